// Transaction and row-locking helpers that hide the two databases' differences.
import { Prisma } from "../generated/prisma/client.js";
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
  return (
    code === "P2002" || (code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation")
  );
}

/**
 * Serializes claims on one work pool for the rest of the transaction, so the pool and queue
 * limits counted inside it cannot be overshot by a concurrent claim. PostgreSQL: the pool row
 * FOR NO KEY UPDATE — it excludes other claims, but not the KEY SHARE lock a foreign key check
 * takes (a new worker's heartbeat registering itself while a claim registers the same worker
 * would otherwise deadlock). SQLite: a no-op UPDATE takes the database write lock now.
 */
export async function lockWorkPool(db: Database, tx: Tx, id: string): Promise<void> {
  if (db.provider === "postgresql")
    await tx.$queryRaw`SELECT "id" FROM "WorkPool" WHERE "id" = ${id} FOR NO KEY UPDATE`;
  else await tx.$executeRaw`UPDATE "WorkPool" SET "id" = "id" WHERE "id" = ${id}`;
}

/**
 * Locks one work queue row for the rest of the transaction, before its runs and deployments are
 * moved off it: on PostgreSQL a concurrent insert referencing the queue (which takes FOR KEY
 * SHARE on it) waits, so none lands on the queue between the move and its deletion. SQLite
 * already runs one write transaction at a time.
 */
export async function lockWorkQueue(db: Database, tx: Tx, id: string): Promise<void> {
  if (db.provider === "postgresql") await tx.$queryRaw`SELECT "id" FROM "WorkQueue" WHERE "id" = ${id} FOR UPDATE`;
}

/** A due run a claim may take, with what its deployment's concurrency limit needs. */
export interface DueRun {
  id: string;
  deploymentId: string | null;
  workQueueId: string | null;
  nextScheduledStartTime: Date;
  deploymentLimit: number | null;
  collisionStrategy: string | null;
}

export interface DueRunQuery {
  queueId: string;
  /** a legacy tag-filtered queue's tags: it also takes runs bound to no queue that carry them all */
  filterTags: readonly string[] | null;
  before: Date;
  take: number;
  /** keyset paging: only runs after this one in (start time, id) order */
  after?: { nextScheduledStartTime: Date; id: string } | null;
  excludeRunIds?: readonly string[];
  excludeDeploymentIds?: readonly string[];
}

/**
 * Due SCHEDULED runs of one queue, oldest start first (in-process retries excluded: the executor
 * still running them retries them, as in Prefect). On PostgreSQL the rows are locked with
 * FOR UPDATE SKIP LOCKED, so a run another transaction is moving right now is passed over; on
 * SQLite the claim already holds the write lock.
 *
 * Tag matching is exact and case-sensitive on both databases: tags never contain "|", so
 * "|tag|" occurs in the run's "|a|b|" key only where a whole tag equals it. instr/strpos rather
 * than LIKE, whose "_" and "%" are wildcards and which ignores ASCII case on SQLite.
 */
export async function dueRuns(db: Database, tx: Tx, q: DueRunQuery): Promise<DueRun[]> {
  const pg = db.provider === "postgresql";
  const time = (d: Date) => (pg ? Prisma.sql`${d.toISOString()}::timestamp` : Prisma.sql`${d}`);
  const hasTag = (tag: string) =>
    pg ? Prisma.sql`strpos(r."tagsKey", ${`|${tag}|`}) > 0` : Prisma.sql`instr(r."tagsKey", ${`|${tag}|`}) > 0`;
  const queue = q.filterTags?.length
    ? Prisma.sql`(r."workQueueId" = ${q.queueId} OR (r."workQueueId" IS NULL AND ${Prisma.join(q.filterTags.map(hasTag), " AND ")}))`
    : Prisma.sql`r."workQueueId" = ${q.queueId}`;
  const retryType = pg
    ? Prisma.sql`r."empiricalPolicy"->>'retryType'`
    : Prisma.sql`json_extract(r."empiricalPolicy", '$.retryType')`;
  const conditions = [
    queue,
    Prisma.sql`r."stateType" = 'SCHEDULED'`,
    Prisma.sql`r."nextScheduledStartTime" <= ${time(q.before)}`,
    Prisma.sql`COALESCE(${retryType}, '') <> 'in_process'`,
  ];
  if (q.after)
    conditions.push(
      Prisma.sql`(r."nextScheduledStartTime", r."id") > (${time(q.after.nextScheduledStartTime)}, ${q.after.id})`,
    );
  if (q.excludeRunIds?.length) conditions.push(Prisma.sql`r."id" NOT IN (${Prisma.join(q.excludeRunIds)})`);
  if (q.excludeDeploymentIds?.length) {
    conditions.push(
      Prisma.sql`(r."deploymentId" IS NULL OR r."deploymentId" NOT IN (${Prisma.join(q.excludeDeploymentIds)}))`,
    );
  }
  const rows = await tx.$queryRaw<DueRun[]>`
    SELECT r."id", r."deploymentId", r."workQueueId", r."nextScheduledStartTime",
      d."concurrencyLimit" AS "deploymentLimit", d."collisionStrategy" AS "collisionStrategy"
    FROM "FlowRun" r LEFT JOIN "Deployment" d ON d."id" = r."deploymentId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY r."nextScheduledStartTime" ASC, r."id" ASC
    LIMIT ${q.take}
    ${pg ? Prisma.sql`FOR UPDATE OF r SKIP LOCKED` : Prisma.empty}`;
  return rows.map((r) => ({ ...r, deploymentLimit: r.deploymentLimit === null ? null : Number(r.deploymentLimit) }));
}

/**
 * Takes, without waiting, the per-deployment lock under which a claim counts a deployment's
 * active runs; returns the ids it got. Claims of one pool are serialized by the pool lock, but a
 * deployment's runs can be claimed from several pools (runs keep the queue they were created in
 * when their deployment moves to another pool, and legacy tag-filtered queues take runs bound to
 * no queue), so its limit needs a lock of its own. Not waiting means no lock-order deadlock
 * between claims: a deployment locked elsewhere is passed over, like a SKIP LOCKED row.
 * SQLite serializes write transactions, so every lock is granted.
 */
export async function tryLockDeployments(db: Database, tx: Tx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0 || db.provider !== "postgresql") return new Set(ids);
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT v."id" FROM (VALUES ${Prisma.join(ids.map((id) => Prisma.sql`(${id})`))}) AS v("id")
    WHERE pg_try_advisory_xact_lock(hashtextextended('ordo:deployment-slots:' || v."id", 0))`;
  return new Set(rows.map((r) => r.id));
}
