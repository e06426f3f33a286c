// Applies pending migrations to a SQLite file through better-sqlite3: each migration and its
// _prisma_migrations row in one BEGIN IMMEDIATE transaction, so a second process waits (busy
// timeout), then sees the rows and applies nothing twice.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type { LocalMigration } from "./folders.js";
import {
  pendingMigrations,
  SELECT_HISTORY,
  SQLITE_CREATE_TABLE,
  SQLITE_INSERT_APPLIED,
  type HistoryRow,
} from "./history.js";

export interface SqliteMigrateOptions {
  /** how long to wait for another process's write lock (one migrating the same file), ms */
  busyTimeoutMs?: number;
}

/** Prisma's format for these DATETIME columns (what its better-sqlite3 adapter writes). */
const timestamp = () => new Date().toISOString().replace(/Z$/, "+00:00");

/** Applies `migrations` not yet recorded in `file` (which must exist), in order; returns the names it applied. */
export function migrateSqliteFile(
  file: string,
  migrations: LocalMigration[],
  folder: string,
  options: SqliteMigrateOptions = {},
): string[] {
  const busyTimeoutMs = options.busyTimeoutMs ?? 60_000;
  const db = new Database(file, { fileMustExist: true, timeout: busyTimeoutMs });
  try {
    // Prisma's table-redefining scripts turn foreign keys off around DROP TABLE (else dropping a
    // parent cascades to its children's rows). That PRAGMA does nothing inside a transaction, so
    // it is done here, before any, and foreign_key_check stands in for the enforcement.
    db.pragma("foreign_keys = OFF");
    const applied: string[] = [];
    for (;;) {
      const next = inWriteTransaction(db, file, busyTimeoutMs, () => {
        db.exec(SQLITE_CREATE_TABLE);
        const rows = db.prepare(SELECT_HISTORY).all() as HistoryRow[];
        const migration = pendingMigrations(migrations, rows, folder)[0];
        if (!migration) return null;
        const before = foreignKeyViolations(db);
        const startedAt = timestamp();
        try {
          db.exec(migration.script);
        } catch (e) {
          throw new Error(
            `Migration \`${migration.name}\` failed, nothing of it was applied: ${e instanceof Error ? e.message : String(e)}`,
            { cause: e },
          );
        }
        const after = foreignKeyViolations(db);
        if (after > before) {
          throw new Error(
            `Migration \`${migration.name}\` would leave rows whose foreign keys point nowhere (PRAGMA foreign_key_check); nothing of it was applied.`,
          );
        }
        db.prepare(SQLITE_INSERT_APPLIED).run(randomUUID(), migration.checksum, timestamp(), migration.name, startedAt);
        return migration.name;
      });
      if (next === null) return applied;
      applied.push(next);
    }
  } finally {
    db.close();
  }
}

function foreignKeyViolations(db: Database.Database): number {
  return (db.pragma("foreign_key_check") as unknown[]).length;
}

/** Runs `work` in BEGIN IMMEDIATE … COMMIT; anything thrown rolls the whole of it back. */
function inWriteTransaction<T>(db: Database.Database, file: string, busyTimeoutMs: number, work: () => T): T {
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (e) {
    if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
    throw new Error(
      `SQLite database ${file} stayed locked by another process for ${busyTimeoutMs / 1000} s while Ordo waited to migrate it`,
      { cause: e },
    );
  }
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (e) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw e;
  }
}
