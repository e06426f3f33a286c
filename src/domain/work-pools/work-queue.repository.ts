// Finds or creates work pools and queues by name inside a transaction: naming a pool or queue in a
// deployment or a run creates it when missing (Prefect's ensure_work_queue_exists).
import type { Tx } from "../../db/prisma-client.js";
import { AGENT_POOL_TYPE, DEFAULT_AGENT_POOL, DEFAULT_QUEUE, IMPLICIT_POOL_TYPE } from "./work-pool-defaults.js";

export interface QueueRef {
  id: string;
  name: string;
  workPoolId: string;
}

export async function ensureWorkPool(tx: Tx, name: string, now: Date): Promise<{ id: string; defaultQueueId: string }> {
  // upserts (INSERT … ON CONFLICT) so concurrent first references cannot collide
  const pool = await tx.workPool.upsert({
    where: { name },
    create: {
      name,
      type: name === DEFAULT_AGENT_POOL ? AGENT_POOL_TYPE : IMPLICIT_POOL_TYPE,
      created: now,
      updated: now,
    },
    update: {},
  });
  if (pool.defaultQueueId) return { id: pool.id, defaultQueueId: pool.defaultQueueId };
  const queue = await tx.workQueue.upsert({
    where: { workPoolId_name: { workPoolId: pool.id, name: DEFAULT_QUEUE } },
    create: { workPoolId: pool.id, name: DEFAULT_QUEUE, priority: 1, created: now, updated: now },
    update: {},
  });
  await tx.workPool.update({ where: { id: pool.id }, data: { defaultQueueId: queue.id, updated: now } });
  return { id: pool.id, defaultQueueId: queue.id };
}

export async function ensureWorkQueue(tx: Tx, poolName: string, queueName: string, now: Date): Promise<QueueRef> {
  const pool = await ensureWorkPool(tx, poolName, now);
  const existing = await tx.workQueue.findUnique({
    where: { workPoolId_name: { workPoolId: pool.id, name: queueName } },
  });
  if (existing) return existing;
  // lower number = higher priority; a new queue goes after the existing ones
  const last = await tx.workQueue.aggregate({ where: { workPoolId: pool.id }, _max: { priority: true } });
  return tx.workQueue.upsert({
    where: { workPoolId_name: { workPoolId: pool.id, name: queueName } },
    create: {
      workPoolId: pool.id,
      name: queueName,
      priority: (last._max.priority ?? 0) + 1,
      created: now,
      updated: now,
    },
    update: {},
  });
}

/**
 * Prefect's resolution: pool + queue → that queue; pool only → the pool's default queue;
 * queue only → that queue in the default agent pool; neither → no queue.
 */
export async function resolveWorkQueue(
  tx: Tx,
  poolName: string | null,
  queueName: string | null,
  now: Date,
): Promise<QueueRef | null> {
  if (!poolName && !queueName) return null;
  const pool = poolName ?? DEFAULT_AGENT_POOL;
  if (!queueName) {
    const { defaultQueueId } = await ensureWorkPool(tx, pool, now);
    return tx.workQueue.findUniqueOrThrow({ where: { id: defaultQueueId } });
  }
  return ensureWorkQueue(tx, pool, queueName, now);
}
