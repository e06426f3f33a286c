// Errors of the gcs block: what failed (block type, bucket, object) and the service's status and
// reason, with the key and any token scrubbed out of whatever text the client produced.

/** Removes secrets from a message: the configured ones verbatim, PEM keys and bearer tokens by shape. */
export function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join("********");
  return out
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, "********")
    .replace(/(Bearer\s+)[^\s"',]+/gi, "$1********")
    .replace(/([?&](?:access_token|X-Goog-Signature)=)[^&\s"']*/gi, "$1********");
}

export class GcsError extends Error {
  /** the HTTP status the service answered, when it did */
  readonly status: number | undefined;
  /** the service's reason (notFound, forbidden…) or the auth failure's code */
  readonly reason: string | undefined;

  constructor(
    action: string,
    where: { bucket: string; object?: string },
    cause: unknown,
    secrets: readonly (string | undefined)[],
  ) {
    const e = cause as { code?: unknown; message?: unknown; errors?: { reason?: unknown }[]; name?: unknown };
    let message = String(e?.message ?? cause);
    let reasons = e?.errors;
    // a failed download (a stream) carries the service's JSON error body as its message
    if (message.startsWith("{")) {
      try {
        const body = (JSON.parse(message) as { error?: { message?: unknown; errors?: { reason?: unknown }[] } }).error;
        if (typeof body?.message === "string") message = body.message;
        if (!reasons?.length) reasons = body?.errors;
      } catch {
        // not JSON after all: shown as it is
      }
    }
    const status = typeof e?.code === "number" ? e.code : undefined;
    const reason =
      typeof reasons?.[0]?.reason === "string" ? reasons[0].reason : typeof e?.code === "string" ? e.code : undefined;
    const text = scrub(message.split("\n")[0] ?? "", secrets);
    const detail =
      e?.name === "GcsAuthError"
        ? text
        : `${status !== undefined ? `HTTP ${status}${reason ? ` ${reason}` : ""}: ` : ""}${text}`;
    const object = where.object !== undefined ? `object "${where.object}" in ` : "";
    super(`gcs: cannot ${action} ${object}bucket "${where.bucket}": ${detail}`);
    this.name = "GcsError";
    this.status = status;
    this.reason = reason;
  }
}
