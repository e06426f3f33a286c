// Applies pending migrations to PostgreSQL through one pg connection: under Prisma Migrate's own
// advisory lock (so Ordo replicas and `prisma migrate deploy` never migrate at once), each
// migration's whole script and its _prisma_migrations row in one transaction.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { pgConfigFromUrl } from "../pg-config.js";
import type { LocalMigration } from "./folders.js";
import {
  pendingMigrations,
  POSTGRES_CREATE_TABLE,
  POSTGRES_INSERT_APPLIED,
  SELECT_HISTORY,
  type HistoryRow,
} from "./history.js";

/** The key `prisma migrate` locks (schema engine, PostgreSQL connector). */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

export interface PostgresMigrateOptions {
  /** how long to wait for the lock while another process migrates, ms */
  lockTimeoutMs?: number;
}

/** Applies `migrations` not yet recorded in the database at `url`, in order; returns the names it applied. */
export async function migratePostgres(
  url: string,
  migrations: LocalMigration[],
  folder: string,
  options: PostgresMigrateOptions = {},
): Promise<string[]> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  // the server's connection settings (pg-adapter.ts), so the tables land where its queries look:
  // its default search_path (a `?schema=` in the URL is ignored there, so here too) and its TLS
  const client = new pg.Client({ ...pgConfigFromUrl(url), connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined); // a dropped connection fails the query in flight; that error is the one reported
  await client.connect();
  try {
    await lock(client, lockTimeoutMs);
    try {
      // looked up first: a role that may not create tables (the schema migrated by someone else) still starts
      const { rows: found } = await client.query<{ missing: boolean }>(
        "SELECT to_regclass('_prisma_migrations') IS NULL AS missing",
      );
      if (found[0]?.missing) await client.query(POSTGRES_CREATE_TABLE);
      const { rows } = await client.query<HistoryRow>(SELECT_HISTORY);
      const applied: string[] = [];
      for (const migration of pendingMigrations(migrations, rows, folder)) {
        await applyOne(client, migration);
        applied.push(migration.name);
      }
      return applied;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Session-level, held until unlocked or disconnected; bounded so a stuck migration elsewhere is named, not waited on forever. */
async function lock(client: pg.Client, timeoutMs: number): Promise<void> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (e) {
    if ((e as { code?: string }).code !== "55P03") throw e;
    throw new Error(
      `another process held the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY}), shared with \`prisma migrate\`) for ${timeoutMs / 1000} s: ` +
        "is a migration running, or stuck, elsewhere on this database?",
      { cause: e },
    );
  }
  // the migrations themselves wait for the locks they need, as they would under `prisma migrate deploy`
  await client.query("SET lock_timeout = 0");
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  await client.query("BEGIN");
  try {
    const startedAt = new Date();
    try {
      // no parameters: the simple query protocol runs the whole multi-statement script as sent
      await client.query(migration.script);
    } catch (e) {
      throw new Error(
        `Migration \`${migration.name}\` failed, nothing of it was applied: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    await client.query(POSTGRES_INSERT_APPLIED, [
      randomUUID(),
      migration.checksum,
      new Date(),
      migration.name,
      startedAt,
    ]);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
