// Claims: a worker takes due SCHEDULED runs of a pool's unpaused queues — by queue priority, then
// start time — and each moves to PENDING through the orchestrator in the same transaction, with
// pool, queue and deployment concurrency limits counted inside it (DESIGN invariant 2; Prefect
// counts at read time and overshoots, issue #14869).
import { inject, injectable } from "tsyringe";
import type { Database, Tx } from "../../db/prisma-client.js";
import { dueRunIds, inTransaction, lockWorkPool } from "../../db/transaction.js";
import { Orchestrator, type TransitionResult } from "../../orchestration/orchestrator.js";
import { CLOCK, DATABASE, type Clock } from "../../tokens.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import { FlowRunService } from "../flow-runs/flow-run.service.js";

export interface ClaimInput {
  workPoolName: string;
  workQueueNames?: string[] | null;
  workerName: string;
  limit?: number | null;
  scheduledBefore?: Date | null;
}

export const DEFAULT_CLAIM_LIMIT = 10;
export const MAX_CLAIM_LIMIT = 200;
const ACTIVE = ["PENDING", "RUNNING"];

@injectable()
export class ClaimService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(FlowRunService) private readonly flowRuns: FlowRunService,
  ) {}

  /** Ids of the runs this worker now owns (moved to PENDING), in claim order. */
  async claim(input: ClaimInput): Promise<string[]> {
    const limit = input.limit ?? DEFAULT_CLAIM_LIMIT;
    // 0 is a poll that claims nothing: a busy worker keeps its queues marked as polled
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_CLAIM_LIMIT) {
      throw new BadUserInputError(`input.limit must be a whole number from 0 to ${MAX_CLAIM_LIMIT}`, "input.limit");
    }
    const transitions = await inTransaction(this.db, async (tx) => {
      const pool = await tx.workPool.findUnique({ where: { name: input.workPoolName }, include: { queues: { orderBy: { priority: "asc" } } } });
      if (!pool) throw new NotFoundError(`No work pool named "${input.workPoolName}"`, "input.workPoolName");
      const named = input.workQueueNames?.length ? input.workQueueNames : null;
      named?.forEach((n, i) => {
        if (!pool.queues.some((q) => q.name === n)) throw new NotFoundError(`Work pool "${pool.name}" has no queue "${n}"`, `input.workQueueNames[${i}]`);
      });
      const polled = pool.queues.filter((q) => !named || named.includes(q.name));
      await lockWorkPool(this.db, tx, pool.id);
      // read after the lock: a claim that waited must not look older than the one it waited for
      const now = this.clock.now();
      const before = input.scheduledBefore ?? now;
      // polling marks the queues READY and the worker alive, paused or not
      await tx.workQueue.updateMany({ where: { id: { in: polled.map((q) => q.id) } }, data: { lastPolled: now } });
      await tx.worker.upsert({
        where: { workPoolId_name: { workPoolId: pool.id, name: input.workerName } },
        create: { workPoolId: pool.id, name: input.workerName, lastHeartbeatTime: now },
        update: { lastHeartbeatTime: now },
      });
      if (pool.isPaused || limit === 0) return { claimed: [], rejected: [] };
      let poolSlots = pool.concurrencyLimit === null ? Infinity : pool.concurrencyLimit - (await this.active(tx, { workQueue: { workPoolId: pool.id } }));
      const claimed: TransitionResult[] = [];
      /** runs a CANCEL_NEW deployment at its limit turned away: announced, not returned */
      const rejected: TransitionResult[] = [];
      const deploymentSlots = new Map<string, number>();
      for (const queue of polled) {
        if (queue.isPaused || claimed.length >= limit || poolSlots <= 0) continue;
        let queueSlots = queue.concurrencyLimit === null ? Infinity : queue.concurrencyLimit - (await this.active(tx, { workQueueId: queue.id }));
        const wanted = Math.min(limit - claimed.length, poolSlots, queueSlots);
        if (wanted <= 0) continue;
        for (const id of await dueRunIds(this.db, tx, queue.id, before, wanted * 4)) {
          if (claimed.length >= limit || poolSlots <= 0 || queueSlots <= 0) break;
          const slot = await this.deploymentSlot(tx, id, deploymentSlots);
          if (slot === "CANCEL_NEW") {
            const cancelled = await this.orchestrator.transition(tx, id, { type: "CANCELLED", message: "Deployment concurrency limit reached." });
            if (cancelled.written) rejected.push(cancelled);
            continue;
          }
          if (slot === "ENQUEUE") continue;
          const t = await this.orchestrator.transition(tx, id, { type: "PENDING" });
          if (t.status !== "ACCEPT") continue; // another worker (or a state change) got there first
          claimed.push(t);
          poolSlots--;
          queueSlots--;
          if (t.run.deploymentId && deploymentSlots.has(t.run.deploymentId)) {
            deploymentSlots.set(t.run.deploymentId, deploymentSlots.get(t.run.deploymentId)! - 1);
          }
        }
      }
      return { claimed, rejected };
    });
    for (const t of [...transitions.rejected, ...transitions.claimed]) await this.flowRuns.publish(t);
    return transitions.claimed.map((t) => t.run.id);
  }

  private active(tx: Tx, where: object): Promise<number> {
    return tx.flowRun.count({ where: { ...where, stateType: { in: ACTIVE } } });
  }

  /**
   * "free", or what the deployment's collision strategy says for a run at its concurrency limit:
   * ENQUEUE leaves it SCHEDULED for a later claim, CANCEL_NEW cancels it.
   */
  private async deploymentSlot(tx: Tx, runId: string, slots: Map<string, number>): Promise<"free" | "ENQUEUE" | "CANCEL_NEW"> {
    const run = await tx.flowRun.findUniqueOrThrow({
      where: { id: runId },
      select: { deployment: { select: { id: true, concurrencyLimit: true, collisionStrategy: true } } },
    });
    const d = run.deployment;
    if (!d || d.concurrencyLimit === null) return "free";
    if (!slots.has(d.id)) slots.set(d.id, d.concurrencyLimit - (await this.active(tx, { deploymentId: d.id })));
    if (slots.get(d.id)! > 0) return "free";
    return d.collisionStrategy === "CANCEL_NEW" ? "CANCEL_NEW" : "ENQUEUE";
  }
}
