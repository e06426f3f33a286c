// What every Ordo client treats as an outage — the server answered SERVICE_UNAVAILABLE (its
// database or Redis is unreachable) or could not be reached at all — and the backoff it retries with.

/** The server's database (or Redis) is unreachable: the same request will succeed later. */
export function isServiceUnavailable(e: unknown): boolean {
  // by name: ordo-client.ts imports this module, so it cannot import the class back
  return e instanceof Error && e.name === "OrdoApiError" && (e as { code?: unknown }).code === "SERVICE_UNAVAILABLE";
}

/** Node's fetch fails with "fetch failed" and the socket error as its cause. */
function isFetchFailure(e: unknown): e is TypeError {
  return e instanceof TypeError && e.message === "fetch failed";
}

/** No answer from a server: refused, reset, timed out, name not resolved, a blocked port… */
export function isNetworkError(e: unknown): boolean {
  return isFetchFailure(e);
}

/** Socket codes of a connection that broke or stalled after it was made (node and undici). */
const BROKEN = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** A server was there but the exchange broke off (a restart, a proxy timing out); not "nothing listens there". */
export function isBrokenConnection(e: unknown): boolean {
  const code = isFetchFailure(e) ? (e.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === "string" && BROKEN.has(code);
}

/** An outage rather than an answer about the request: SERVICE_UNAVAILABLE, a network error, or no answer in time. */
export function isOutage(e: unknown): boolean {
  return isServiceUnavailable(e) || isNetworkError(e) || (e instanceof Error && e.name === "TimeoutError");
}

/**
 * Exponential backoff from `baseMs`, doubled per consecutive failure up to `capMs`, with jitter
 * (a random 50–100 % of it): clients that lost the server at the same moment come back spread out.
 */
export function backoffWithJitterMs(
  failures: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, failures - 1), Math.max(capMs, baseMs));
  return Math.round(ceiling * (0.5 + random() / 2));
}
