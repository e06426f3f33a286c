// Transaction and row-locking helpers that hide the two databases' differences.
import type { Database, Tx } from "./prisma-client.js";

/** Generous limits: on SQLite transactions queue behind one another (one writer at a time). */
const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 } as const;

export function inTransaction<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.client.$transaction(fn, TX_OPTIONS);
}

/**
 * A unique-constraint violation, for insert-or-read-back races: Prisma's P2002, or the same
 * violation in a raw statement (P2010, which carries the driver adapter's error kind).
 */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { code, meta } = e as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return code === "P2002" || (code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation");
}

/**
 * Serializes claims on one work pool for the rest of the transaction, so the pool, queue and
 * deployment limits counted inside it cannot be overshot by a concurrent claim (PostgreSQL;
 * on SQLite write transactions are serialized already).
 */
export async function lockWorkPool(db: Database, tx: Tx, id: string): Promise<void> {
  if (db.provider === "postgresql") await tx.$queryRaw`SELECT "id" FROM "WorkPool" WHERE "id" = ${id} FOR UPDATE`;
  else await tx.$executeRaw`UPDATE "WorkPool" SET "id" = "id" WHERE "id" = ${id}`;
}

/**
 * Due SCHEDULED runs of one queue, oldest start first. On PostgreSQL the rows are locked with
 * FOR UPDATE SKIP LOCKED, so a run another transaction is moving right now is passed over.
 */
export async function dueRunIds(db: Database, tx: Tx, queueId: string, before: Date, take: number): Promise<string[]> {
  if (db.provider === "postgresql") {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "FlowRun"
      WHERE "workQueueId" = ${queueId} AND "stateType" = 'SCHEDULED' AND "nextScheduledStartTime" <= ${before.toISOString()}::timestamp
        AND COALESCE("empiricalPolicy"->>'retryType', '') <> 'in_process'
      ORDER BY "nextScheduledStartTime" ASC, "id" ASC
      LIMIT ${take}
      FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => r.id);
  }
  const rows = await tx.flowRun.findMany({
    where: { workQueueId: queueId, stateType: "SCHEDULED", nextScheduledStartTime: { lte: before } },
    orderBy: [{ nextScheduledStartTime: "asc" }, { id: "asc" }],
    take: take * 2,
    select: { id: true, empiricalPolicy: true },
  });
  // in-process retries belong to the executor still running them (Prefect excludes them too)
  return rows.filter((r) => (r.empiricalPolicy as { retryType?: string } | null)?.retryType !== "in_process").slice(0, take).map((r) => r.id);
}
