// Migrates one template database per test run; each test file then copies it (SQLite: a file copy,
// PostgreSQL: CREATE DATABASE … TEMPLATE), so files run in parallel without sharing rows.
// The `postgresql` project uses ORDO_TEST_DATABASE_URL=postgresql://…; `sqlite` uses files in a temp dir.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../src/db/migrate.js";
import { adminUrl, dropTestDatabases } from "./test-database.js";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
    provider: "sqlite" | "postgresql";
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // the postgresql project (vitest.config.ts) uses ORDO_TEST_DATABASE_URL; the sqlite one never does
  const pgUrl = project.name === "postgresql" ? process.env.ORDO_TEST_DATABASE_URL : undefined;
  if (pgUrl) {
    const template = new URL(pgUrl);
    const name = `${template.pathname.slice(1) || "ordo_test"}__template`;
    template.pathname = `/${name}`;
    await dropTestDatabases(pgUrl);
    const admin = new pg.Client({ connectionString: adminUrl(pgUrl) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    await migrateDatabase(template.toString());
    project.provide("templateDatabaseUrl", template.toString());
    project.provide("provider", "postgresql");
    return async () => {
      await dropTestDatabases(pgUrl);
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "ordo-test-"));
  const url = `file:${path.join(dir, "template.db")}`;
  await migrateDatabase(url);
  project.provide("templateDatabaseUrl", url);
  project.provide("provider", "sqlite");
  return async () => rmSync(dir, { recursive: true, force: true });
}
