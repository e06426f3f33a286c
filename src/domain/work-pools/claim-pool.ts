// The claim's own reads and writes around the orchestrated part: the pool with its queues (locked),
// and the poll marks (queues polled, worker seen). On PostgreSQL each is one statement, because
// every claim — an empty poll too — pays them while holding the pool lock; on SQLite (in process,
// no round trips) they stay Prisma calls.
import { randomUUID } from "node:crypto";
import { Prisma } from "../../generated/prisma/client.js";
import type { Database, Tx } from "../../db/prisma-client.js";
import { lockWorkPool } from "../../db/transaction.js";
import { asStringArray } from "../json.js";

export interface ClaimPool {
  id: string;
  name: string;
  isPaused: boolean;
  concurrencyLimit: number | null;
  /** by priority */
  queues: Array<{
    id: string;
    name: string;
    isPaused: boolean;
    concurrencyLimit: number | null;
    filterTags: string[] | null;
  }>;
}

interface PoolRow {
  id: string;
  name: string;
  isPaused: boolean;
  concurrencyLimit: number | null;
  qId: string | null;
  qName: string | null;
  qIsPaused: boolean | null;
  qConcurrencyLimit: number | null;
  qFilterTags: unknown;
}

/**
 * The pool named `name` with its queues, its row locked for the rest of the transaction (claims
 * of one pool are serialized, so the limits they count cannot be overshot); null when there is
 * no such pool. PostgreSQL: one SELECT … FOR NO KEY UPDATE OF the pool, as lockWorkPool (the
 * queues are read from the statement's snapshot, as a read before the lock would).
 */
export async function lockAndReadPool(db: Database, tx: Tx, name: string): Promise<ClaimPool | null> {
  if (db.provider !== "postgresql") {
    const pool = await tx.workPool.findUnique({
      where: { name },
      include: { queues: { orderBy: { priority: "asc" } } },
    });
    if (!pool) return null;
    await lockWorkPool(db, tx, pool.id);
    return {
      ...pool,
      queues: pool.queues.map((q) => ({
        ...q,
        filterTags: q.filterTags === null ? null : asStringArray(q.filterTags),
      })),
    };
  }
  const rows = await tx.$queryRaw<PoolRow[]>`
    SELECT p."id", p."name", p."isPaused", p."concurrencyLimit", q."id" AS "qId", q."name" AS "qName", q."isPaused" AS "qIsPaused",
      q."concurrencyLimit" AS "qConcurrencyLimit", q."filterTags" AS "qFilterTags"
    FROM "WorkPool" p LEFT JOIN "WorkQueue" q ON q."workPoolId" = p."id"
    WHERE p."name" = ${name}
    ORDER BY q."priority" ASC, q."id" ASC
    FOR NO KEY UPDATE OF p`;
  const [first] = rows;
  if (!first) return null;
  return {
    id: first.id,
    name: first.name,
    isPaused: first.isPaused,
    concurrencyLimit: first.concurrencyLimit === null ? null : Number(first.concurrencyLimit),
    queues: rows
      .filter((r) => r.qId !== null)
      .map((r) => ({
        id: r.qId!,
        name: r.qName!,
        isPaused: Boolean(r.qIsPaused),
        concurrencyLimit: r.qConcurrencyLimit === null ? null : Number(r.qConcurrencyLimit),
        filterTags: r.qFilterTags === null ? null : asStringArray(r.qFilterTags),
      })),
  };
}

/**
 * A poll marks its queues polled (at most every `markMs`: the status needs 60 s precision, and
 * rewriting the same rows on every claim would make claims queue behind their row locks) and
 * registers the worker as seen now. PostgreSQL: one statement.
 */
export async function markPolled(
  db: Database,
  tx: Tx,
  poll: { poolId: string; queueIds: string[]; workerName: string; now: Date; markMs: number },
): Promise<void> {
  const { poolId, queueIds, workerName, now, markMs } = poll;
  const cut = new Date(now.getTime() - markMs);
  if (db.provider !== "postgresql") {
    await tx.workQueue.updateMany({
      where: { id: { in: queueIds }, OR: [{ lastPolled: null }, { lastPolled: { lt: cut } }] },
      data: { lastPolled: now, updated: now },
    });
    await tx.worker.upsert({
      where: { workPoolId_name: { workPoolId: poolId, name: workerName } },
      create: { workPoolId: poolId, name: workerName, lastHeartbeatTime: now, created: now, updated: now },
      update: { lastHeartbeatTime: now, updated: now },
    });
    return;
  }
  const time = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp(3)`;
  const queues = queueIds.length
    ? Prisma.sql`UPDATE "WorkQueue" SET "lastPolled" = ${time(now)}, "updated" = ${time(now)}
        WHERE "id" IN (${Prisma.join(queueIds)}) AND ("lastPolled" IS NULL OR "lastPolled" < ${time(cut)})`
    : Prisma.sql`SELECT 1`;
  await tx.$executeRaw`
    WITH "queues" AS (${queues})
    INSERT INTO "Worker" ("id", "workPoolId", "name", "lastHeartbeatTime", "created", "updated")
    VALUES (${randomUUID()}, ${poolId}, ${workerName}, ${time(now)}, ${time(now)}, ${time(now)})
    ON CONFLICT ("workPoolId", "name") DO UPDATE SET "lastHeartbeatTime" = EXCLUDED."lastHeartbeatTime", "updated" = EXCLUDED."updated"`;
}
