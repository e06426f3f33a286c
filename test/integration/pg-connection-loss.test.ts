// A PostgreSQL connection that dies inside a transaction (pg_terminate_backend, a restart) is given
// back to the pool: Prisma 6.19 only releases it after a successful COMMIT/ROLLBACK, so without
// db/pg-adapter.ts's fix each such death leaked a connection and, after the pool's max (10),
// every request waited forever. PostgreSQL only; only the test's own database is touched.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isUnavailable } from "../../src/db/unavailable.js";
import { createDatabase, type Database } from "../../src/db/prisma-client.js";
import { eventually } from "../harness/eventually.js";
import { adminUrl, freshDatabaseUrl } from "../harness/test-database.js";

describe.runIf(inject("provider") === "postgresql")("connections lost inside transactions", () => {
  let db: Database;
  let admin: pg.Client;
  let name: string;

  beforeAll(async () => {
    const url = await freshDatabaseUrl();
    name = decodeURIComponent(new URL(url).pathname.slice(1));
    db = await createDatabase(url);
    admin = new pg.Client({ connectionString: adminUrl(url) });
    await admin.connect();
  });
  afterAll(async () => {
    await db?.client.$disconnect();
    await admin?.end();
  });

  it("twelve terminated transactions (more than the pool holds): each fails as an outage, and the pool still serves", async () => {
    for (let i = 0; i < 12; i++) {
      const error = await db.client
        .$transaction(async (tx) => {
          await tx.flow.count();
          const killed = await admin.query<{ pid: number }>(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [name],
          );
          // terminating only signals the backends: the next statement once they are gone
          const pids = killed.rows.map((r) => r.pid);
          await eventually(
            async () =>
              (await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)", [pids])).rowCount === 0,
            { timeoutMs: 5_000, what: `backends ${pids.join(", ")} to exit`, intervalMs: 5 },
          );
          await tx.flow.count();
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isUnavailable(error), String(error)).toBe(true);
    }
    const started = Date.now();
    expect(await Promise.all(Array.from({ length: 12 }, () => db.client.flow.count()))).toEqual(Array(12).fill(0));
    expect(Date.now() - started).toBeLessThan(5000);
    // and it can still be closed (a leaked connection made $disconnect wait forever)
    await db.client.$disconnect();
  });
});
