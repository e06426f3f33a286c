// Ordo's migration runner on a real SQLite file: a fresh database gets every migration and Prisma's
// rows, a second run nothing; a database the Prisma CLI migrated is accepted untouched and has the
// very same table; a modified, failed or unknown migration is refused with the message; a failing
// migration leaves nothing; concurrent runs apply each migration once. (PostgreSQL:
// migrations-postgresql.test.ts.)
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../installation.js";
import { migrateDatabase } from "../migrate.js";
import { prepareSqliteFile } from "../sqlite-file.js";
import { matchesChecksum, migrationsFolder, readMigrations, type LocalMigration } from "./folders.js";
import { MigrationHistoryError, SQLITE_CREATE_TABLE, SQLITE_INSERT_APPLIED } from "./history.js";
import { migrateSqliteFile } from "./sqlite-runner.js";
import { broken, edited, prismaMigrateDeploy, sha256 } from "./migrations.fixtures.js";

describe("checksums", () => {
  it("are the sha256 of migration.sql, matched as Prisma does: across LF/CRLF conversions, and old Prisma's unpadded hex", () => {
    const script = "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n";
    const lf = sha256(script);
    expect(matchesChecksum(script, lf)).toBe(true);
    expect(matchesChecksum(script.replaceAll("\n", "\r\n"), lf)).toBe(true);
    expect(matchesChecksum(script, sha256(script.replaceAll("\n", "\r\n")))).toBe(true);
    expect(matchesChecksum(`${script} `, lf)).toBe(false);
    // "0a" written as "a": prisma-engines#1887
    const unpadded = Array.from(Buffer.from(lf, "hex"), (byte) => byte.toString(16)).join("");
    expect(unpadded.length).toBeLessThan(64);
    expect(matchesChecksum(script, unpadded)).toBe(true);
  });
});

// The slow part starts first and is awaited by its tests: `prisma migrate deploy` (~1.5 s).
let dir: string;
let sqliteCliMigrated: Promise<void>;

const fileIn = (name: string) => {
  const file = path.join(dir, name);
  prepareSqliteFile(`file:${file}`);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ordo-migrations-"));
  sqliteCliMigrated = prismaMigrateDeploy(`file:${path.join(dir, "cli.db")}`);
  sqliteCliMigrated.catch(() => undefined);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("on SQLite", () => {
  const folder = migrationsFolder("sqlite");
  const migrations = readMigrations(folder);
  const names = migrations.map((m) => m.name);

  function query<T = Record<string, unknown>>(file: string, sql: string): T[] {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  const history = (file: string) => query(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name, started_at");
  const execute = (file: string, sql: string) => {
    const db = new Database(file);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };

  it("migrates a fresh file: every migration in order, each with Prisma's row; a second run applies nothing", async () => {
    const file = path.join(dir, "fresh.db");
    await migrateDatabase(`file:${file}`);
    const rows = history(file);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({
        checksum: migrations[i]!.checksum,
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(row.finished_at! >= row.started_at!).toBe(true);
    }
    expect(query(file, "SELECT name FROM sqlite_master WHERE name = 'FlowRun'")).toHaveLength(1);

    expect(migrateSqliteFile(file, migrations, folder)).toEqual([]);
    expect(history(file)).toEqual(rows);
  });

  it("accepts a file the Prisma CLI migrated as it is, and creates the very table Prisma creates", async () => {
    await sqliteCliMigrated;
    const cli = path.join(dir, "cli.db");
    const before = history(cli);
    expect(before.map((r) => r.migration_name)).toEqual(names);
    await migrateDatabase(`file:${cli}`);
    expect(history(cli)).toEqual(before);

    const fresh = fileIn("shape.db");
    migrateSqliteFile(fresh, migrations, folder);
    const schema = (file: string) => query(file, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name");
    expect(schema(fresh)).toEqual(schema(cli));
  });

  it("refuses a migration modified after it was applied, and accepts one whose line endings git converted", () => {
    const file = fileIn("modified.db");
    migrateSqliteFile(file, migrations, folder);
    const modified = edited(migrations, names[1]!, (s) => `${s}\n-- a later edit\n`);
    expect(() => migrateSqliteFile(file, modified, folder)).toThrow(MigrationHistoryError);
    expect(() => migrateSqliteFile(file, modified, folder)).toThrow(
      `The migration \`${names[1]}\` was modified after it was applied.`,
    );
    expect(
      migrateSqliteFile(
        file,
        edited(migrations, names[1]!, (s) => s.replaceAll("\n", "\r\n")),
        folder,
      ),
    ).toEqual([]);
  });

  it("refuses a failed migration with Prisma's P3009 words; a failed one marked rolled back is no obstacle", async () => {
    const file = fileIn("failed.db");
    migrateSqliteFile(file, migrations, folder);
    const last = names.at(-1)!;
    execute(
      file,
      `DELETE FROM _prisma_migrations WHERE migration_name = '${last}';
      INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
      VALUES ('${randomUUID()}', '${migrations.at(-1)!.checksum}', '${last}', 'boom: no such column', '2026-12-01T10:00:00.000+00:00', 0)`,
    );
    const refusal = migrateDatabase(`file:${file}`);
    await expect(refusal).rejects.toThrow(MigrationHistoryError);
    await expect(refusal).rejects.toThrow(
      "migrate found failed migrations in the target database, new migrations will not be applied. " +
        "Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n" +
        `The \`${last}\` migration started at 2026-12-01T10:00:00.000+00:00 failed with the following logs:\nboom: no such column`,
    );
    // what `prisma migrate resolve --rolled-back` writes: the migration is then applied again
    execute(
      file,
      `UPDATE _prisma_migrations SET rolled_back_at = '2026-12-01T11:00:00.000+00:00' WHERE finished_at IS NULL`,
    );
    execute(file, 'DROP TABLE "ApiKey"');
    expect(migrateSqliteFile(file, migrations, folder)).toEqual([last]);
  });

  it("refuses a database a newer Ordo migrated (a migration it does not have)", () => {
    const file = fileIn("newer.db");
    migrateSqliteFile(file, migrations, folder);
    expect(() => migrateSqliteFile(file, migrations.slice(0, -1), folder)).toThrow(
      `The following migration(s) are applied to the database but missing from the local migrations directory (${folder}): ${names.at(-1)}. ` +
        "The database was migrated by a newer version of Ordo",
    );
  });

  it("rolls a failing migration back whole: no table of it, no row", () => {
    const file = fileIn("broken.db");
    expect(() => migrateSqliteFile(file, [...migrations, broken], folder)).toThrow(
      `Migration \`${broken.name}\` failed, nothing of it was applied: no such table: NoSuchTable`,
    );
    expect(query(file, "SELECT name FROM sqlite_master WHERE name = 'Half'")).toEqual([]);
    expect(history(file).map((r) => r.migration_name)).toEqual(names);
  });

  it("redefines a parent table as Prisma's scripts do without losing its children's rows, and refuses dangling foreign keys", () => {
    const file = fileIn("redefine.db");
    const m = (name: string, script: string): LocalMigration => ({
      name,
      script,
      checksum: sha256(script),
      file: name,
    });
    const setup = m(
      "1_setup",
      `CREATE TABLE "P" ("id" TEXT NOT NULL PRIMARY KEY);
       CREATE TABLE "C" ("id" TEXT NOT NULL PRIMARY KEY, "pId" TEXT NOT NULL, FOREIGN KEY ("pId") REFERENCES "P" ("id") ON DELETE CASCADE);
       INSERT INTO "P" VALUES ('p'); INSERT INTO "C" VALUES ('c', 'p');`,
    );
    // what `prisma migrate diff` writes for a new column on SQLite
    const redefine = m(
      "2_redefine",
      `PRAGMA defer_foreign_keys=ON;
       PRAGMA foreign_keys=OFF;
       CREATE TABLE "new_P" ("id" TEXT NOT NULL PRIMARY KEY, "note" TEXT NOT NULL DEFAULT '');
       INSERT INTO "new_P" ("id") SELECT "id" FROM "P";
       DROP TABLE "P";
       ALTER TABLE "new_P" RENAME TO "P";
       PRAGMA foreign_keys=ON;
       PRAGMA defer_foreign_keys=OFF;`,
    );
    expect(migrateSqliteFile(file, [setup, redefine], folder)).toEqual(["1_setup", "2_redefine"]);
    expect(query(file, 'SELECT "id", "pId" FROM "C"')).toEqual([{ id: "c", pId: "p" }]);
    const orphan = m("3_orphan", `DELETE FROM "P";`);
    expect(() => migrateSqliteFile(file, [setup, redefine, orphan], folder)).toThrow(
      /`3_orphan` would leave rows whose foreign keys point nowhere/,
    );
    expect(query(file, 'SELECT "id" FROM "P"')).toEqual([{ id: "p" }]);
  });

  it("waits while another process migrates the same file, then sees its rows and applies nothing twice", async () => {
    const file = fileIn("race.db");
    // the other process: applies every migration with its rows in one write transaction, held 300 ms
    const other = spawn(
      process.execPath,
      [
        "-e",
        `const Database = require("better-sqlite3");
        const { file, create, insert, migrations } = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
        const db = new Database(file);
        db.exec("BEGIN IMMEDIATE");
        db.exec(create);
        const now = () => new Date().toISOString().replace("Z", "+00:00");
        for (const m of migrations) {
          db.exec(m.script);
          db.prepare(insert).run(crypto.randomUUID(), m.checksum, now(), m.name, now());
        }
        process.stdout.write("locked\\n");
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
        db.exec("COMMIT");`,
      ],
      { cwd: PACKAGE_ROOT, stdio: ["pipe", "pipe", "inherit"] },
    );
    other.stdin.end(JSON.stringify({ file, create: SQLITE_CREATE_TABLE, insert: SQLITE_INSERT_APPLIED, migrations }));
    const exited = new Promise((resolve) => other.on("exit", resolve));
    await new Promise((resolve) => other.stdout.once("data", resolve));
    const started = performance.now();
    expect(migrateSqliteFile(file, migrations, folder)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThan(150);
    expect(await exited).toBe(0);
    expect(history(file).map((r) => r.migration_name)).toEqual(names);
  });
});
