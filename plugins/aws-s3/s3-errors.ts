// Errors of the s3 block: the SDK's failures retold with the block type, bucket, key and S3 error
// code, and never a credential (the SDK's error objects carry the signed request, so no `cause`).
export class S3BlockError extends Error {
  constructor(
    message: string,
    /** the S3 error code (NoSuchBucket, InvalidAccessKeyId…) or the network error's code */
    readonly code: string,
    readonly bucket: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = "S3BlockError";
  }
}

/**
 * The error to throw for `error`, raised while working on `bucket` (and `key`). `secrets` are
 * replaced by "********" wherever they appear, in case a server echoes one back.
 */
export function s3Error(
  error: unknown,
  where: { bucket: string; key?: string; action: string },
  secrets: readonly (string | undefined)[],
): Error {
  if (error instanceof S3BlockError) return error;
  const e = (error ?? {}) as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const code =
    [e.Code, e.code, e.name].find((c): c is string => typeof c === "string" && c !== "" && c !== "Error") ?? "Error";
  let detail = typeof e.message === "string" && e.message !== "" ? e.message : String(error);
  // an "UnknownError" has no body to read: the HTTP status is the only clue
  if (e.$metadata?.httpStatusCode !== undefined && (detail === "UnknownError" || detail === code))
    detail = `HTTP ${e.$metadata.httpStatusCode}`;
  for (const secret of secrets) if (secret) detail = detail.split(secret).join("********");
  const target = `s3 bucket "${where.bucket}"${where.key !== undefined ? ` key "${where.key}"` : ""}`;
  return new S3BlockError(`${target}: ${code} ${detail} (${where.action})`, code, where.bucket, where.key);
}
