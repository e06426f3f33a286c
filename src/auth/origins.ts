// Which browser origins may talk to the server: its own, and those listed in ORDO_CORS_ORIGINS.
// A request without an Origin header comes from a non-browser client (CLI, worker) and passes.

/** `host` is the request's Host header; the server's own origin is http(s)://host. */
export function isAllowedOrigin(origin: string | null | undefined, host: string | null | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === null) return true;
  if (allowed.includes(origin)) return true;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
