// Says in words why the configured database cannot be opened, for start-up failures: the SQLite
// file, its folder or its permissions; the PostgreSQL server, database or login. Prisma's own
// words for these are often "External error id#0". Only called once something already failed.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { isPostgresUrl } from "../config.js";
import { pgConfigFromUrl } from "./pg-config.js";
import { sqliteFilePath } from "./sqlite-file.js";

/** A database that cannot be opened, with the reason in words; main.ts prints its message alone. */
export class DatabaseOpenError extends Error {
  override name = "DatabaseOpenError";
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of its path is a file, not a folder",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  ELOOP: "too many symbolic links in its path",
  ENAMETOOLONG: "its path is too long",
};

const errnoWords = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return ERRNO_WORDS[code] ?? (e instanceof Error ? e.message : String(e));
};

/** The nearest folder of `dir` that exists (or the file standing where a folder should be). */
function nearestExisting(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      statSync(d);
      return d;
    } catch {
      if (path.dirname(d) === d) return d;
    }
  }
}

/** Why SQLite cannot open `file` read-write, creating it if missing; null if it can. */
function sqliteProblem(file: string): string | null {
  const folder = path.dirname(file);
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return errnoWords(e);
    const existing = nearestExisting(folder);
    if (!statSync(existing).isDirectory()) return `${existing} is a file, not a folder`;
    try {
      accessSync(existing, constants.W_OK | constants.X_OK);
    } catch (e2) {
      return `${errnoWords(e2)} (cannot create it in ${existing})`;
    }
    return null;
  }
  if (stat.isDirectory()) return "it is a directory";
  for (const [target, mode, what] of [
    [file, constants.R_OK | constants.W_OK, ""],
    // SQLite writes its -wal and -shm files beside the database
    [folder, constants.W_OK | constants.X_OK, ` on its folder ${folder} (SQLite writes its -wal and -shm files there)`],
  ] as const) {
    try {
      accessSync(target, mode);
    } catch (e) {
      return `${errnoWords(e)}${what}`;
    }
  }
  try {
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma("schema_version");
    } finally {
      db.close();
    }
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB") return "the file is not a SQLite database";
    return e instanceof Error ? `${e.message}${code ? ` (${code})` : ""}` : String(e);
  }
  return null;
}

/** Why PostgreSQL at `url` cannot be used: connects once (10 s at most) and names what failed; null if it can. */
async function postgresProblem(url: string): Promise<string | null> {
  const config = pgConfigFromUrl(url);
  const where = `PostgreSQL at ${config.host}:${config.port}`;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined); // a connection that dies after the check is not this check's business
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (e) {
    const err = e as { code?: string; message?: string; errors?: Array<{ code?: string }> };
    const code = err.code ?? err.errors?.[0]?.code;
    const message = err.message ?? String(e);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `${where} unreachable (host name not found: ${code})`;
    if (code && /^E[A-Z]+$/.test(code)) return `${where} unreachable (${code})`;
    if (/timeout/i.test(message)) return `${where} unreachable (no answer within 10 s)`;
    if (/Connection terminated unexpectedly/.test(message))
      return `${where} unreachable (the connection was closed before PostgreSQL answered)`;
    if (code === "3D000") return `database "${config.database}" does not exist on ${where}`;
    if (code === "28P01" || code === "28000") return `${where} refused the login: ${message}`;
    return `${where}: ${message}${code ? ` (${code})` : ""}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The reason in words why the database at `url` cannot be opened, or null when it can (then the failure was something else). */
export async function explainOpenFailure(url: string, base: string = process.cwd()): Promise<string | null> {
  if (isPostgresUrl(url)) return postgresProblem(url);
  const file = sqliteFilePath(url, base);
  const problem = file ? sqliteProblem(file) : null;
  return problem && `cannot open SQLite database at ${file}: ${problem}`;
}

/** For `.catch()` at start-up: a DatabaseOpenError naming the cause when there is one, else `error` unchanged. */
export async function explained(error: unknown, url: string, base?: string): Promise<never> {
  const why = await explainOpenFailure(url, base).catch(() => null);
  throw why ? new DatabaseOpenError(why) : error;
}
