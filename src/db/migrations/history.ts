// Prisma Migrate's bookkeeping table `_prisma_migrations`, kept exactly as Prisma 6.19 creates it
// so `prisma migrate deploy/status` and Ordo read each other's rows; and the decision, from its
// rows and the local folders, of what to apply or why to refuse.
import type { LocalMigration } from "./folders.js";
import { matchesChecksum } from "./folders.js";

/** Prisma's statement (schema engine, SQLite connector), made idempotent; sqlite_master keeps the same text. */
export const SQLITE_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Prisma's statement (schema engine, PostgreSQL connector), made idempotent: in the connection's current schema. */
export const POSTGRES_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export const SELECT_HISTORY =
  "SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at ASC";

/** One applied migration, in one statement: Ordo writes the row in the migration's own transaction, so it is never left unfinished. */
export const SQLITE_INSERT_APPLIED = `INSERT INTO "_prisma_migrations"
  (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
  VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`;

export const POSTGRES_INSERT_APPLIED = `INSERT INTO _prisma_migrations
  (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
  VALUES ($1, $2, $3, $4, NULL, NULL, $5, 1)`;

/** A row as read back: SQLite gives the timestamps as text, PostgreSQL as Date. */
export interface HistoryRow {
  migration_name: string;
  checksum: string;
  started_at: string | Date;
  finished_at: string | Date | null;
  rolled_back_at: string | Date | null;
  logs: string | null;
}

/** The database's history contradicts the local migrations: the server must not start on it. */
export class MigrationHistoryError extends Error {
  override name = "MigrationHistoryError";
}

const when = (t: string | Date) => (t instanceof Date ? t.toISOString() : t);

/**
 * The local migrations still to apply, in name order: those without a row that was not rolled
 * back (as `prisma migrate deploy` decides). Refuses, as MigrationHistoryError, a history with a
 * failed migration (Prisma's P3009), an applied migration whose file changed since, or an applied
 * migration this installation does not have (a newer Ordo migrated the database).
 */
export function pendingMigrations(local: LocalMigration[], rows: HistoryRow[], folder: string): LocalMigration[] {
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed.map((r) => {
      const logs = r.logs?.trim();
      return `The \`${r.migration_name}\` migration started at ${when(r.started_at)} failed${logs ? ` with the following logs:\n${logs}` : ""}`;
    });
    const first = failed[0]!.migration_name;
    throw new MigrationHistoryError(
      [
        "migrate found failed migrations in the target database, new migrations will not be applied. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve",
        ...details,
        `Ordo will not start on it: repair the database by hand (the failed migration may be partly applied), then mark the migration resolved, e.g. \`npm run prisma -- migrate resolve --rolled-back ${first}\` (or \`--applied ${first}\`) in a clone of Ordo with DATABASE_URL set to this database.`,
      ].join("\n"),
    );
  }
  const applied = rows.filter((r) => r.rolled_back_at === null);
  const byName = new Map(local.map((m) => [m.name, m]));
  const missing = [...new Set(applied.filter((r) => !byName.has(r.migration_name)).map((r) => r.migration_name))];
  if (missing.length > 0) {
    throw new MigrationHistoryError(
      `The following migration(s) are applied to the database but missing from the local migrations directory (${folder}): ${missing.join(", ")}. ` +
        "The database was migrated by a newer version of Ordo: run that version (or a later one) against it.",
    );
  }
  const modified = [
    ...new Set(
      applied
        .filter((r) => !matchesChecksum(byName.get(r.migration_name)!.script, r.checksum))
        .map((r) => r.migration_name),
    ),
  ];
  if (modified.length > 0) {
    throw new MigrationHistoryError(
      modified.map((name) => `The migration \`${name}\` was modified after it was applied.`).join("\n") +
        `\nIts migration.sql no longer has the checksum recorded in the database's _prisma_migrations table (${modified.map((n) => byName.get(n)!.file).join(", ")}). ` +
        "An applied migration must stay as it was: restore the file and put further changes in a new migration.",
    );
  }
  const done = new Set(applied.map((r) => r.migration_name));
  return local.filter((m) => !done.has(m.name));
}
