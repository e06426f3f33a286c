// A fresh, migrated database for one test file, copied from the run's template.
import { randomUUID } from "node:crypto";
import { copyFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";

/** The same server, database "postgres": where databases are created and dropped. */
export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

/** Per-run names are "<prefix>__template" and "<prefix>__<random>": the double underscore keeps
 * one prefix ("ordo_test") from matching another's databases ("ordo_test_a__…") when dropping. */
function prefixOf(url: string): string {
  return new URL(url).pathname.slice(1).replace(/__template$/, "") || "ordo_test";
}

export async function freshDatabaseUrl(): Promise<string> {
  const template = inject("templateDatabaseUrl");
  if (inject("provider") === "sqlite") {
    const file = template.slice("file:".length).replace(/template\.db$/, `${randomUUID()}.db`);
    copyFileSync(template.slice("file:".length), file);
    return `file:${file}`;
  }
  const name = `${prefixOf(template)}__${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl(template) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${new URL(template).pathname.slice(1)}"`);
    // a test database need not survive a crash of the PostgreSQL server: commits do not wait for
    // the WAL flush (each one would otherwise wait for an fsync on a disk the whole suite shares)
    await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
  const u = new URL(template);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops the template and every per-file database of this test prefix. */
export async function dropTestDatabases(baseUrl: string): Promise<void> {
  const prefix = prefixOf(baseUrl);
  const admin = new pg.Client({ connectionString: adminUrl(baseUrl) });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2",
      [`${prefix}__template`, `${prefix}\\_\\_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
