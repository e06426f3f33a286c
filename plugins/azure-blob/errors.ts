// Errors of the azure block: what failed (block type, account, container, blob) and the service's
// error code, with every credential scrubbed out of whatever text the SDK produced.

/** Removes secrets from a message: the configured ones verbatim, and anything shaped like a key or SAS. */
export function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) if (secret) out = out.split(secret).join("********");
  // a connection string's key, a SAS signature, a SharedKey authorization header
  return out
    .replace(/(AccountKey=)[^;'"\s]*/gi, "$1********")
    .replace(/(SharedAccessSignature=)[^;'"\s]*/gi, "$1********")
    .replace(/([?&]sig=)[^&'"\s]*/gi, "$1********")
    .replace(/(SharedKey(?:Lite)? [^:\s]+:)[^'"\s]*/g, "$1********");
}

export interface AzureLocation {
  account: string;
  container: string;
  blob?: string;
}

export class AzureBlobError extends Error {
  /** the service's error code (BlobNotFound, AuthenticationFailed…), when it answered */
  readonly code: string | undefined;
  readonly statusCode: number | undefined;

  constructor(action: string, where: AzureLocation, cause: unknown, secrets: readonly (string | undefined)[]) {
    const e = cause as {
      code?: unknown;
      statusCode?: unknown;
      message?: unknown;
      details?: { errorCode?: unknown };
      response?: { headers?: { get?(name: string): string | undefined } };
    };
    // a response without a body (HEAD, a failed download) carries its code only in x-ms-error-code
    const found = e?.details?.errorCode ?? e?.response?.headers?.get?.("x-ms-error-code") ?? e?.code;
    const code = typeof found === "string" && found !== "" ? found : undefined;
    const statusCode = typeof e?.statusCode === "number" ? e.statusCode : undefined;
    // the service's own message can quote the string it signed: its code and status say enough
    const reason =
      statusCode !== undefined
        ? `${code ?? "error"} (HTTP ${statusCode})`
        : scrub(String(e?.message ?? cause).split("\n")[0] ?? "", secrets) + (code ? ` (${code})` : "");
    const blob = where.blob !== undefined ? `blob "${where.blob}" in ` : "";
    super(
      `azure: cannot ${action} ${blob}container "${where.container}" of storage account "${where.account}": ${reason}`,
    );
    this.name = "AzureBlobError";
    this.code = code;
    this.statusCode = statusCode;
  }
}
