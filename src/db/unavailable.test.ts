// isUnavailable: the error shapes seen through Prisma 6.19 and its pg / better-sqlite3 adapters
// (captured from real outages: terminated backends, ALLOW_CONNECTIONS false, a refused port, a
// locked SQLite file), pg, ioredis and Node's sockets count as outages; bugs and bad input do not.
import net from "node:net";
import { describe, expect, it } from "vitest";
import { isUnavailable } from "./unavailable.js";

/** What Prisma throws: PrismaClientKnownRequestError carries code and meta. */
const prisma = (code: string, meta: Record<string, unknown> = {}) =>
  Object.assign(new Error("\nInvalid `prisma.flow.count()` invocation:\n\nreason"), {
    name: "PrismaClientKnownRequestError",
    code,
    meta,
    clientVersion: "6.19.3",
  });
/** What the adapters throw for a model query: DriverAdapterError with the mapped cause. */
const adapter = (cause: Record<string, unknown>) =>
  Object.assign(new Error(String(cause.message ?? cause.kind)), { name: "DriverAdapterError", cause });
const pgCause = (code: string, message: string) => ({
  kind: "postgres",
  code,
  originalCode: code,
  originalMessage: message,
  severity: "FATAL",
  message,
});

describe("isUnavailable: outages", () => {
  it.each([
    ["P1001 can't reach the database server (refused port, unknown host)", prisma("P1001")],
    ["P1017 the server closed the connection", prisma("P1017")],
    [
      "P1008 SQLITE_BUSY after the busy timeout",
      prisma("P1008", {
        driverAdapterError: {
          name: "DriverAdapterError",
          cause: { originalCode: "SQLITE_BUSY", originalMessage: "database is locked", kind: "SocketTimeout" },
        },
      }),
    ],
    ["P2024 no connection from the pool in time", prisma("P2024")],
    ["P2037 too many connections", prisma("P2037")],
    [
      "a raw query's P2010 with 57P01 (pg_terminate_backend)",
      prisma("P2010", {
        driverAdapterError: {
          name: "DriverAdapterError",
          cause: pgCause("57P01", "terminating connection due to administrator command"),
        },
      }),
    ],
    [
      "a raw query's P2010 with SQLITE_BUSY",
      prisma("P2010", {
        driverAdapterError: {
          name: "DriverAdapterError",
          cause: { originalCode: "SQLITE_BUSY", kind: "SocketTimeout" },
        },
      }),
    ],
    [
      "DriverAdapterError 57P01 admin_shutdown",
      adapter(pgCause("57P01", "terminating connection due to administrator command")),
    ],
    [
      "DriverAdapterError 57P03 cannot_connect_now (starting up)",
      adapter(pgCause("57P03", "the database system is starting up")),
    ],
    [
      "DriverAdapterError 55000 not accepting connections (ALLOW_CONNECTIONS false)",
      adapter(pgCause("55000", 'database "ordo" is not currently accepting connections')),
    ],
    ["DriverAdapterError 08006 connection failure", adapter(pgCause("08006", "connection failure"))],
    [
      "DriverAdapterError TooManyConnections (53300)",
      adapter({ kind: "TooManyConnections", cause: "sorry, too many clients already" }),
    ],
    ["DriverAdapterError ConnectionClosed (ECONNRESET)", adapter({ kind: "ConnectionClosed" })],
    ["DriverAdapterError DatabaseNotReachable", adapter({ kind: "DatabaseNotReachable", host: "db", port: 5432 })],
    [
      "pg: a pool client whose connection died",
      new Error("Client has encountered a connection error and is not queryable"),
    ],
    ["pg: Connection terminated unexpectedly", new Error("Connection terminated unexpectedly")],
    [
      "pg: Connection terminated due to connection timeout",
      new Error("Connection terminated due to connection timeout"),
    ],
    ["pg-pool: timeout exceeded when trying to connect", new Error("timeout exceeded when trying to connect")],
    [
      "Prisma: transaction maxWait ran out",
      Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
        code: "P2028",
      }),
    ],
    [
      "Prisma: a COMMIT that failed, reported as its rollback attempt",
      Object.assign(
        new Error(
          "Transaction API error: Transaction already closed: A rollback cannot be executed on a committed transaction.",
        ),
        { code: "P2028" },
      ),
    ],
    [
      "better-sqlite3 SQLITE_CANTOPEN",
      Object.assign(new Error("unable to open database file"), { name: "SqliteError", code: "SQLITE_CANTOPEN" }),
    ],
    [
      "better-sqlite3 SQLITE_IOERR_WRITE",
      Object.assign(new Error("disk I/O error"), { name: "SqliteError", code: "SQLITE_IOERR_WRITE" }),
    ],
    ["SQLite's message once its code was lost", new Error("database is locked")],
    [
      "ioredis gave up on a command",
      Object.assign(new Error("Reached the max retries per request limit (which is 20)."), {
        name: "MaxRetriesPerRequestError",
      }),
    ],
    ["ioredis with its connection gone", new Error("Connection is closed.")],
    [
      "a socket error",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
        errno: -111,
        syscall: "connect",
      }),
    ],
    [
      "several addresses refused (AggregateError)",
      new AggregateError([Object.assign(new Error("refused"), { code: "ECONNREFUSED" })], ""),
    ],
    [
      "wrapped in a GraphQL error",
      Object.assign(new Error("Unexpected"), { name: "GraphQLError", originalError: prisma("P1001") }),
    ],
    [
      "as an Error cause",
      new Error("publish failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }),
    ],
  ])("%s", (_what, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it("a real refused connection", async () => {
    const error = await new Promise<unknown>((resolve) =>
      net.connect({ host: "127.0.0.1", port: 1 }).once("error", resolve),
    );
    expect(isUnavailable(error)).toBe(true);
  });
});

describe("isUnavailable: bugs and bad input are not outages", () => {
  const cyclic: Error = new Error("loop");
  cyclic.cause = cyclic;
  it.each([
    ["P2002 unique constraint", prisma("P2002", { target: ["name"] })],
    [
      "P2010 with a unique violation",
      prisma("P2010", {
        driverAdapterError: { name: "DriverAdapterError", cause: { kind: "UniqueConstraintViolation" } },
      }),
    ],
    [
      "P2028 transaction already closed",
      Object.assign(new Error("Transaction API error: Transaction already closed"), { code: "P2028" }),
    ],
    ["a missing table (42P01: not migrated)", adapter(pgCause("42P01", 'relation "Flow" does not exist'))],
    [
      "57014 statement timeout (a slow query)",
      adapter(pgCause("57014", "canceling statement due to statement timeout")),
    ],
    ["23505 in a driver error", adapter(pgCause("23505", "duplicate key"))],
    [
      "SQLITE_CONSTRAINT_UNIQUE",
      Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT_UNIQUE" }),
    ],
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a domain error", Object.assign(new Error("name taken"), { name: "ConflictError", code: "CONFLICT" })],
    ["a message merely mentioning a connection", new Error("the connection string names no database")],
    ["a cycle of causes", cyclic],
    ["null", null],
    ["a string", "ECONNREFUSED"],
  ])("%s", (_what, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});
