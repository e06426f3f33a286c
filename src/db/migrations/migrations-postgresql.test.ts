// Ordo's migration runner on a real PostgreSQL (ORDO_TEST_DATABASE_URL; skipped without): the same
// rules as on SQLite (fresh, accepted from Prisma's CLI, refused, rolled back), and two servers at
// once under Prisma's advisory lock, named when another process holds it too long.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../migrate.js";
import { migrationsFolder, readMigrations } from "./folders.js";
import { MigrationHistoryError } from "./history.js";
import { broken, edited, prismaMigrateDeploy } from "./migrations.fixtures.js";
import { migratePostgres, PRISMA_MIGRATE_LOCK_KEY } from "./postgres-runner.js";

const pgBase = process.env.ORDO_TEST_DATABASE_URL;
// not "<prefix>__…": test-database.ts drops those when a test run ends
const prefix = `ordo_migrations_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
const created: string[] = [];
const urlOf = (name: string) => {
  const u = new URL(pgBase!);
  u.pathname = `/${name}`;
  return u.toString();
};
const admin = () => new pg.Client({ connectionString: urlOf("postgres") });

async function createDatabases(...suffixes: string[]): Promise<string[]> {
  const c = admin();
  await c.connect();
  try {
    for (const s of suffixes) {
      await c.query(`CREATE DATABASE "${prefix}_${s}"`);
      created.push(`${prefix}_${s}`);
    }
  } finally {
    await c.end();
  }
  return suffixes.map((s) => urlOf(`${prefix}_${s}`));
}

async function pgQuery<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

// The slow part starts first and is awaited by its tests: `prisma migrate deploy` (~1.5 s).
let pgCliMigrated: Promise<void>;

beforeAll(async () => {
  if (!pgBase) return;
  const [cli] = await createDatabases("cli");
  pgCliMigrated = prismaMigrateDeploy(cli!);
  pgCliMigrated.catch(() => undefined);
});

afterAll(async () => {
  if (!pgBase) return;
  await pgCliMigrated?.catch(() => undefined);
  const c = admin();
  await c.connect();
  try {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
});

describe.runIf(pgBase)("on PostgreSQL", () => {
  const folder = migrationsFolder("postgresql");
  const migrations = readMigrations(folder);
  const names = migrations.map((m) => m.name);
  const history = (url: string) => pgQuery(url, "SELECT * FROM _prisma_migrations ORDER BY migration_name, started_at");

  it("migrates a fresh database: every migration in order, each with Prisma's row; a second run applies nothing; refuses what it must", async () => {
    const [url] = await createDatabases("fresh");
    await migrateDatabase(url!);
    const rows = await history(url!);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({
        checksum: migrations[i]!.checksum,
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    expect(await migratePostgres(url!, migrations, folder)).toEqual([]);
    expect(await history(url!)).toEqual(rows);

    await expect(
      migratePostgres(
        url!,
        edited(migrations, names[0]!, (s) => `${s}\n`),
        folder,
      ),
    ).rejects.toThrow(`The migration \`${names[0]}\` was modified after it was applied.`);
    await expect(migratePostgres(url!, migrations.slice(0, -1), folder)).rejects.toThrow(
      `are applied to the database but missing from the local migrations directory (${folder}): ${names.at(-1)}`,
    );
    await pgQuery(
      url!,
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, applied_steps_count) VALUES ($1, $2, $3, 'boom', 0)",
      [randomUUID(), broken.checksum, broken.name],
    );
    const refusal = migrateDatabase(url!);
    await expect(refusal).rejects.toThrow(MigrationHistoryError);
    await expect(refusal).rejects.toThrow(
      /^migrate found failed migrations in the target database, new migrations will not be applied\..*\nThe `29990101000000_broken` migration started at .* failed with the following logs:\nboom\n/s,
    );
  });

  it("accepts a database the Prisma CLI migrated as it is, and creates the very table Prisma creates", async () => {
    await pgCliMigrated;
    const [cli, fresh] = [urlOf(`${prefix}_cli`), (await createDatabases("shape"))[0]!];
    const before = await history(cli);
    expect(before.map((r) => r.migration_name)).toEqual(names);
    await migrateDatabase(cli);
    expect(await history(cli)).toEqual(before);

    await migratePostgres(fresh, migrations, folder);
    const shape = async (url: string) => [
      await pgQuery(
        url,
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, ordinal_position
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      ),
      await pgQuery(url, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '_prisma_migrations'"),
      await pgQuery(
        url,
        "SELECT conname, contype FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass ORDER BY conname",
      ),
    ];
    const [ours, prismas] = [await shape(fresh), await shape(cli)];
    expect(ours[0]).toHaveLength(8);
    expect(ours).toEqual(prismas);
  });

  it("two servers starting at once apply each migration once", async () => {
    const [url] = await createDatabases("race");
    const results = await Promise.all([
      migratePostgres(url!, migrations, folder),
      migratePostgres(url!, migrations, folder),
    ]);
    expect(results.flat().sort()).toEqual(names);
    expect((await history(url!)).map((r) => r.migration_name)).toEqual(names);
  });

  it("names the lock when another process holds it too long", async () => {
    const [url] = await createDatabases("locked");
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
      await expect(migratePostgres(url!, migrations, folder, { lockTimeoutMs: 200 })).rejects.toThrow(
        `another process held the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY}), shared with \`prisma migrate\`) for 0.2 s`,
      );
    } finally {
      await holder.end();
    }
    expect(await pgQuery(url!, "SELECT to_regclass('_prisma_migrations') IS NULL AS absent")).toEqual([
      { absent: true },
    ]);
  });

  it("rolls a failing migration back whole: no table of it, no row", async () => {
    const [url] = await createDatabases("broken");
    await expect(migratePostgres(url!, [...migrations, broken], folder)).rejects.toThrow(
      `Migration \`${broken.name}\` failed, nothing of it was applied: relation "NoSuchTable" does not exist`,
    );
    expect(await pgQuery(url!, `SELECT to_regclass('"Half"') IS NULL AS absent`)).toEqual([{ absent: true }]);
    expect((await history(url!)).map((r) => r.migration_name)).toEqual(names);
  });
});
