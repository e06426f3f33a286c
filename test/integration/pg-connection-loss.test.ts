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
  let url: string;

  beforeAll(async () => {
    url = await freshDatabaseUrl();
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

  it("a connection that dies at COMMIT (a heartbeat's implicit transaction): an outage, not an internal error", async () => {
    // a deferred constraint trigger runs at COMMIT: this one ends its own session there, as a
    // pg_terminate_backend landing between a statement and its COMMIT does under load. Prisma then
    // reports its own rollback attempt (P2028 "cannot be executed on a committed transaction")
    // instead of the COMMIT's error: the worker's heartbeats got a masked INTERNAL_SERVER_ERROR.
    const fresh = await createDatabase(url);
    try {
      await fresh.client.flow.create({ data: { name: "doomed", updated: new Date() } });
      await fresh.client.$executeRawUnsafe(`CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$`);
      await fresh.client.$executeRawUnsafe(`CREATE CONSTRAINT TRIGGER die_at_commit AFTER UPDATE ON "Flow"
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION die_at_commit()`);
      const error = await fresh.client.flow.updateMany({ where: { name: "doomed" }, data: { tags: ["x"] } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(isUnavailable(error), String(error)).toBe(true);
      // the pool gave the dead connection back: the next statement answers
      await fresh.client.$executeRawUnsafe(`DROP TRIGGER die_at_commit ON "Flow"`);
      expect(await fresh.client.flow.count()).toBe(1);
    } finally {
      await fresh.client.$disconnect();
    }
  });
});
