// A throw-away, migrated database for one benchmark: SQLite in a temp dir by default, or a fresh
// PostgreSQL database on the server ORDO_BENCH_DATABASE_URL points at.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "../src/db/migrate.js";

export interface BenchDatabase {
  url: string;
  provider: "sqlite" | "postgresql";
  drop(): Promise<void>;
}

/** `server`: a PostgreSQL URL to use whatever ORDO_BENCH_DATABASE_URL says (the lifecycle bench). */
export async function benchDatabase(
  name: string,
  server = process.env.ORDO_BENCH_DATABASE_URL,
): Promise<BenchDatabase> {
  if (!server) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `ordo-bench-${name}-`));
    const url = `file:${path.join(dir, "bench.db")}`;
    await migrateDatabase(url);
    return { url, provider: "sqlite", drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new URL(server);
  admin.pathname = "/postgres";
  const dbName = `ordo_bench_${name}_${process.pid}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await run(`CREATE DATABASE "${dbName}"`);
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    provider: "postgresql",
    drop: () => run(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
  };
}
