// Tells an outage (the database or Redis cannot be reached or cannot serve right now: retry later)
// from a bug, among the errors Prisma, its driver adapters, pg, better-sqlite3 and ioredis throw.

/**
 * Prisma's codes for "cannot reach / lost / timed out": P1001 unreachable, P1002 timed out
 * connecting, P1008 operation timed out (the SQLite adapter's SQLITE_BUSY after the busy
 * timeout), P1017 connection closed, P2024 no pool connection in time, P2037 too many connections.
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);

/** The driver adapters' error kinds behind those codes (raw queries report them as P2010 with this kind). */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** Socket errors of pg, ioredis and fetch: nobody answers at the address, or the connection broke. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
]);

/**
 * PostgreSQL SQLSTATEs: class 08 connection exception, 53 insufficient resources (53300
 * too_many_connections), 57P01–57P05 the server or an operator ended the session (57P01
 * admin_shutdown from pg_terminate_backend, 57P03 cannot_connect_now while starting), 58 system
 * error (I/O). Not 57014 (statement timeout: a slow query, maybe a bug).
 */
const PG_STATE = /^(?:08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-5]|58[0-9A-Z]{3})$/;

/** better-sqlite3 result codes (extended ones too: SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT…). */
const SQLITE_CODE = /^SQLITE_(?:BUSY|CANTOPEN|IOERR|FULL)/;

/**
 * Errors that arrive without a code: pg's broken connections and pool, PostgreSQL refusing new
 * sessions (ALTER DATABASE … ALLOW_CONNECTIONS false), Prisma's transaction maxWait running out,
 * SQLite's messages once wrapped, ioredis with its connection gone.
 */
const MESSAGES = [
  /Connection terminated (?:unexpectedly|due to connection timeout)/,
  /Client has encountered a connection error and is not queryable/,
  /timeout exceeded when trying to connect/,
  /Cannot use a pool after calling end on the pool/,
  /is not currently accepting connections/,
  /Unable to start a transaction in the given time/,
  /^(?:unable to open database file|disk I\/O error|database is locked|database or disk is full)$/,
  /^Connection is closed\.$/,
];

/**
 * Prisma's P2028 after a COMMIT failed: it then tries to roll back and reports only that attempt
 * ("A rollback cannot be executed on a committed transaction"), not the COMMIT's error. Ordo uses
 * neither deferred constraints nor SERIALIZABLE, so a COMMIT fails only when the connection or the
 * database went away (a session terminated between a statement and its COMMIT). Other P2028s
 * ("Transaction already closed" alone: a transaction used after it ended) stay bugs.
 */
const FAILED_COMMIT = /cannot be executed on a committed transaction/;

/** Where a wrapped error keeps what it wraps: Error.cause, Prisma's meta.driverAdapterError, GraphQL's originalError. */
function inner(e: Record<string, unknown>): unknown[] {
  const meta = e.meta as { driverAdapterError?: unknown } | undefined;
  return [e.cause, meta?.driverAdapterError, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
}

function matches(e: Record<string, unknown>): boolean {
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== "string") continue;
    if (PRISMA_CODES.has(code) || NETWORK_CODES.has(code) || PG_STATE.test(code) || SQLITE_CODE.test(code)) return true;
  }
  if (e.code === "P2028" && typeof e.message === "string" && FAILED_COMMIT.test(e.message)) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (e.name === "MaxRetriesPerRequestError") return true; // ioredis gave up on a command while reconnecting
  const message =
    typeof e.message === "string" ? e.message : typeof e.originalMessage === "string" ? e.originalMessage : "";
  return MESSAGES.some((m) => m.test(message));
}

/** True when `error` (or what it wraps, a few levels deep) means the database or Redis is unreachable right now. */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== "object" || error === null) return false;
  const e = error as Record<string, unknown>;
  return matches(e) || inner(e).some((x) => isUnavailable(x, depth + 1));
}
