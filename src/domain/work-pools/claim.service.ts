// Claims: a worker takes due SCHEDULED runs of a pool's unpaused queues — by queue priority, then
// start time — and each moves to PENDING through the orchestrator in the same transaction, with
// pool, queue and deployment concurrency limits counted inside it (DESIGN invariant 2; Prefect
// counts at read time and overshoots, issue #14869).
//
// Legacy tag-filtered queues (WorkQueue.filterTags, the agents' queues of seed 001/002): such a
// queue takes its own runs, like any queue, and also due SCHEDULED runs bound to no queue at all
// (deployments without a work pool — the older seed format — or whose pool was deleted) whose
// tags include every one of its filter tags, exactly and case-sensitively. It never takes a run
// bound to another queue: that run belongs to its queue and counts against that queue's limits
// (Prefect's legacy queues matched by tags whatever the run's queue, so one run could be taken
// through two queues). Claiming binds the run to the queue, so from then on it counts against
// this queue's and pool's limits and gets this pool's job template, like any other run.
import { inject, injectable } from "tsyringe";
import type { Database, Tx } from "../../db/prisma-client.js";
import { readLockedRuns } from "../../db/run-transitions.js";
import { dueRuns, inTransaction, tryLockDeployments, type DueRun } from "../../db/transaction.js";
import { Orchestrator, type Proposal, type TransitionResult } from "../../orchestration/orchestrator.js";
import { CLOCK, DATABASE, type Clock } from "../../tokens.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import { RunEvents } from "../flow-runs/run-events.js";
import { checkName, quoteName } from "../names.js";
import { lockAndReadPool, markPolled } from "./claim-pool.js";

export interface ClaimInput {
  workPoolName: string;
  workQueueNames?: string[] | null;
  workerName: string;
  limit?: number | null;
  scheduledBefore?: Date | null;
  /**
   * Also propose RUNNING for each claimed run, in the claim's transaction, for executors that
   * start at once: the same rules as a separate proposal (a run not due yet WAITs and stays PENDING).
   */
  startRunning?: boolean | null;
}

export const DEFAULT_CLAIM_LIMIT = 10;
export const MAX_CLAIM_LIMIT = 200;
const ACTIVE = ["PENDING", "RUNNING"];
/**
 * A queue's lastPolled is rewritten at most this often: its status only needs 60 s precision, and
 * every claim rewriting the same row would make concurrent claims queue behind its row lock.
 */
const POLL_MARK_MS = 1000;

interface ClaimQueue {
  id: string;
  name: string;
  concurrencyLimit: number | null;
  filterTags: string[] | null;
}

interface Batch {
  claimed: TransitionResult[];
  /** per claimed run, its RUNNING proposal's result (accepted or not) with startRunning, else null */
  started: Array<TransitionResult | null>;
  /** runs a CANCEL_NEW deployment at its limit turned away: announced, not returned */
  rejected: TransitionResult[];
}

/** The runs one claim picks, with the queue each was picked through, in claim order. */
interface Picks {
  pending: Array<{ run: DueRun; queue: ClaimQueue }>;
  cancelled: DueRun[];
}

@injectable()
export class ClaimService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(RunEvents) private readonly runEvents: RunEvents,
  ) {}

  /** Ids of the runs this worker now owns (moved to PENDING), in claim order. */
  async claim(input: ClaimInput): Promise<string[]> {
    const limit = input.limit ?? DEFAULT_CLAIM_LIMIT;
    // 0 is a poll that claims nothing: a busy worker keeps its queues marked as polled
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_CLAIM_LIMIT) {
      throw new BadUserInputError(`input.limit must be a whole number from 0 to ${MAX_CLAIM_LIMIT}`, "input.limit");
    }
    // a claim registers its worker: the same naming rule as workerHeartbeat
    checkName(input.workerName, "input.workerName");
    const batch = await inTransaction(this.db, (tx) => this.claimIn(tx, input, limit));
    for (const t of batch.rejected) this.runEvents.transition(t);
    for (const [i, t] of batch.claimed.entries()) {
      this.runEvents.transition(t);
      const started = batch.started[i];
      if (started) this.runEvents.transition(started);
    }
    return batch.claimed.map((t) => t.run.id);
  }

  private async claimIn(tx: Tx, input: ClaimInput, limit: number): Promise<Batch> {
    // the pool is locked from here on; a missing queue fails the claim before anything is written
    const pool = await lockAndReadPool(this.db, tx, input.workPoolName);
    if (!pool) throw new NotFoundError(`No work pool named ${quoteName(input.workPoolName)}`, "input.workPoolName");
    const named = input.workQueueNames?.length ? input.workQueueNames : null;
    named?.forEach((n, i) => {
      if (!pool.queues.some((q) => q.name === n))
        throw new NotFoundError(
          `Work pool ${quoteName(pool.name)} has no queue ${quoteName(n)}`,
          `input.workQueueNames[${i}]`,
        );
    });
    const polled = pool.queues.filter((q) => !named || named.includes(q.name));
    // read after the lock: a claim that waited must not look older than the one it waited for
    const now = this.clock.now();
    let batch: Batch = { claimed: [], started: [], rejected: [] };
    if (!pool.isPaused && limit > 0) {
      const queues = polled
        .filter((q) => !q.isPaused)
        .map(({ id, name, concurrencyLimit, filterTags }) => ({ id, name, concurrencyLimit, filterTags }));
      const slots = await this.poolAndQueueSlots(
        tx,
        pool.concurrencyLimit,
        pool.queues.map((q) => q.id),
        queues,
      );
      const picks = await this.pick(tx, queues, slots, limit, input.scheduledBefore ?? now);
      batch = await this.transition(tx, pool.name, picks, input.startRunning ?? false);
    }
    // last, so the hot queue rows stay locked only for the commit: polling marks the queues READY
    // and the worker alive, paused or not
    await markPolled(this.db, tx, {
      poolId: pool.id,
      queueIds: polled.map((q) => q.id),
      workerName: input.workerName,
      now,
      markMs: POLL_MARK_MS,
    });
    return batch;
  }

  /** Free slots of the pool and of each queue; the counts are skipped when nothing has a limit. */
  private async poolAndQueueSlots(tx: Tx, poolLimit: number | null, poolQueueIds: string[], queues: ClaimQueue[]) {
    const queueSlots = new Map<string, number>(queues.map((q) => [q.id, Infinity]));
    if (poolLimit === null && queues.every((q) => q.concurrencyLimit === null))
      return { pool: Infinity, queues: queueSlots };
    const groups = await tx.flowRun.groupBy({
      by: ["workQueueId"],
      where: { workQueueId: { in: poolQueueIds }, stateType: { in: ACTIVE } },
      _count: { _all: true },
    });
    const active = new Map(groups.map((g) => [g.workQueueId, g._count._all]));
    for (const q of queues)
      if (q.concurrencyLimit !== null) queueSlots.set(q.id, q.concurrencyLimit - (active.get(q.id) ?? 0));
    const poolActive = groups.reduce((n, g) => n + g._count._all, 0);
    return { pool: poolLimit === null ? Infinity : poolLimit - poolActive, queues: queueSlots };
  }

  /**
   * Walks the queues by priority and each queue's due runs by start time, a page at a time, taking
   * runs while the claim, the pool, the queue and the run's deployment have room. A deployment
   * at its limit holds its runs back (ENQUEUE) or has them cancelled (CANCEL_NEW); held-back
   * deployments are left out of later pages, so they cannot crowd out runs behind them.
   */
  private async pick(
    tx: Tx,
    queues: ClaimQueue[],
    slots: { pool: number; queues: Map<string, number> },
    limit: number,
    before: Date,
  ): Promise<Picks> {
    const picks: Picks = { pending: [], cancelled: [] };
    const seen = new Set<string>();
    /** free slots of the limited deployments this claim has locked and counted */
    const deploymentSlots = new Map<string, number>();
    /** deployments whose runs stay where they are: full (ENQUEUE), or counted by another claim right now */
    const heldBack = new Set<string>();
    let poolSlots = slots.pool;
    for (const queue of queues) {
      let queueSlots = slots.queues.get(queue.id)!;
      let after: DueRun | null = null;
      while (picks.pending.length < limit && poolSlots > 0 && queueSlots > 0) {
        const take = 2 * Math.min(limit - picks.pending.length, poolSlots, queueSlots);
        const page = await dueRuns(this.db, tx, {
          queueId: queue.id,
          filterTags: queue.filterTags,
          before,
          take,
          after,
          // a run bound to no queue can match several tag-filtered queues
          excludeRunIds: queue.filterTags?.length ? [...seen] : [],
          excludeDeploymentIds: [...heldBack],
        });
        await this.countDeploymentSlots(tx, page, deploymentSlots, heldBack);
        for (const run of page) {
          if (picks.pending.length >= limit || poolSlots <= 0 || queueSlots <= 0) break;
          seen.add(run.id);
          const d = run.deploymentId;
          if (d !== null && run.deploymentLimit !== null) {
            if (heldBack.has(d)) continue;
            const free = deploymentSlots.get(d)!;
            if (free <= 0) {
              if (run.collisionStrategy === "CANCEL_NEW") picks.cancelled.push(run);
              else heldBack.add(d);
              continue;
            }
            deploymentSlots.set(d, free - 1);
          }
          picks.pending.push({ run, queue });
          poolSlots--;
          queueSlots--;
        }
        if (page.length < take) break;
        after = page[page.length - 1]!;
      }
    }
    return picks;
  }

  /**
   * Locks and counts the limited deployments first seen on this page. A deployment another claim
   * is counting right now (a claim of another pool) is held back for this claim.
   */
  private async countDeploymentSlots(
    tx: Tx,
    page: DueRun[],
    slots: Map<string, number>,
    heldBack: Set<string>,
  ): Promise<void> {
    const limits = new Map<string, number>();
    for (const r of page)
      if (
        r.deploymentId !== null &&
        r.deploymentLimit !== null &&
        !slots.has(r.deploymentId) &&
        !heldBack.has(r.deploymentId)
      )
        limits.set(r.deploymentId, r.deploymentLimit);
    if (limits.size === 0) return;
    const locked = await tryLockDeployments(this.db, tx, [...limits.keys()]);
    for (const id of limits.keys()) if (!locked.has(id)) heldBack.add(id);
    if (locked.size === 0) return;
    // counted after the lock, in a statement of its own, so it sees every claim that held it before
    const groups = await tx.flowRun.groupBy({
      by: ["deploymentId"],
      where: { deploymentId: { in: [...locked] }, stateType: { in: ACTIVE } },
      _count: { _all: true },
    });
    const active = new Map(groups.map((g) => [g.deploymentId, g._count._all]));
    for (const id of locked) slots.set(id, limits.get(id)! - (active.get(id) ?? 0));
  }

  /**
   * Moves the picked runs through the orchestrator (and, with startRunning, each accepted one on
   * to RUNNING) with one write for the whole batch, then binds adopted runs to their tag-filtered queue.
   */
  private async transition(tx: Tx, poolName: string, picks: Picks, startRunning: boolean): Promise<Batch> {
    const rows = new Map(
      (await readLockedRuns(tx, [...picks.pending.map((p) => p.run.id), ...picks.cancelled.map((r) => r.id)])).map(
        (r) => [r.id, r],
      ),
    );
    // read once every lock is held (the runs' deployments' too): a claim that waited for another
    // must not stamp its states earlier than the other's
    const now = this.clock.now();
    const claim: Proposal[] = startRunning ? [{ type: "PENDING" }, { type: "RUNNING" }] : [{ type: "PENDING" }];
    const results = await this.orchestrator.transitionLockedEach(
      tx,
      [
        ...picks.pending.map((p) => ({ run: rows.get(p.run.id)!, proposals: claim })),
        ...picks.cancelled.map((r) => ({
          run: rows.get(r.id)!,
          proposals: [{ type: "CANCELLED" as const, message: "Deployment concurrency limit reached." }],
        })),
      ],
      { now },
    );
    const batch: Batch = {
      claimed: [],
      started: [],
      rejected: results
        .slice(picks.pending.length)
        .map((r) => r[0]!)
        .filter((t) => t.written),
    };
    const adopted = new Map<ClaimQueue, TransitionResult[]>();
    picks.pending.forEach(({ queue }, i) => {
      const [pending, running] = results[i]!;
      // another transaction (or a state change) got there first: not this worker's
      if (pending!.status !== "ACCEPT") return;
      batch.claimed.push(pending!);
      batch.started.push(running ?? null);
      if (pending!.run.workQueueId === null)
        adopted.set(queue, [...(adopted.get(queue) ?? []), pending!, ...(running ? [running] : [])]);
    });
    for (const [queue, runs] of adopted) {
      await tx.flowRun.updateMany({
        where: { id: { in: [...new Set(runs.map((t) => t.run.id))] } },
        data: { workQueueId: queue.id, workQueueName: queue.name, updated: now },
      });
      for (const t of runs) t.run = { ...t.run, workQueueId: queue.id, workPoolName: poolName };
    }
    return batch;
  }
}
