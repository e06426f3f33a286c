// Which browser origins may talk to the server: its own, and those listed in ORDO_CORS_ORIGINS.
// A request without an Origin header comes from a non-browser client (CLI, worker) and passes.
// Without auth, also which Host names it answers: loopback names only (DNS rebinding).

/** `host` is the request's Host header; the server's own origin is http(s)://host. */
export function isAllowedOrigin(
  origin: string | null | undefined,
  host: string | null | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined || origin === null) return true;
  if (allowed.includes(origin)) return true;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

/** A loopback address or name: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The Host header names the server by a loopback name. With ORDO_AUTH=off every request acts as
 * admin, so a page on any other name must not reach it: DNS rebinding points such a name at
 * 127.0.0.1, and the browser then treats the page and this server as one origin.
 */
export function isLoopbackHostHeader(host: string | null | undefined): boolean {
  if (!host) return false;
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::\d+)?$/.exec(host.trim().toLowerCase());
  return m !== null && isLoopback((m[1] ?? m[2])!);
}
