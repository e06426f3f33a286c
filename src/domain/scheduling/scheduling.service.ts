// Keeps every active schedule of every unpaused deployment a little ahead (scheduler passes), and
// labels runs that missed their start as Late through the orchestrator.
import { inject, injectable } from "tsyringe";
import type { ServiceSettings } from "../../config.js";
import { insertScheduledRuns } from "../../db/insert-scheduled-runs.js";
import type { Database } from "../../db/prisma-client.js";
import { inTransaction } from "../../db/transaction.js";
import { Orchestrator } from "../../orchestration/orchestrator.js";
import { CLOCK, CONFIG, DATABASE, type Clock } from "../../tokens.js";
import type { OrdoConfig } from "../../config.js";
import { RunEvents } from "../flow-runs/run-events.js";
import type { ScheduleInput } from "../../schedules/schedule-definition.js";
import { previewSchedule } from "./schedule-preview.js";
import {
  ScheduleDatesCache,
  scheduledRunRows,
  type ScheduleCoverage,
  type SchedulingWindow,
  type SkippedSchedule,
} from "./scheduled-run-rows.js";

const DEPLOYMENT_BATCH = 100;
const LATE_BATCH = 400;

export interface PassResult {
  deployments: number;
  runsInserted: number;
  /** stored schedules that could not be expanded this pass (the background loop logs a warning each) */
  skipped: SkippedSchedule[];
}

@injectable()
export class SchedulingService {
  private readonly settings: ServiceSettings;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) config: OrdoConfig,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(RunEvents) private readonly runEvents: RunEvents,
  ) {
    this.settings = config.services;
  }

  /**
   * One scheduler pass over unpaused deployments with an active schedule — all of them, or only
   * those whose schedules changed since `changedSince` (the fast pass). Pages by id.
   */
  async schedule(opts: { changedSince?: Date } = {}): Promise<PassResult> {
    const s = this.settings.scheduler;
    const w: SchedulingWindow = { now: this.clock.now(), ...s };
    const result: PassResult = { deployments: 0, runsInserted: 0, skipped: [] };
    const dates = new ScheduleDatesCache(w);
    let cursor: string | undefined;
    for (;;) {
      const page = await this.db.client.deployment.findMany({
        where: {
          paused: false,
          schedules: { some: { active: true } },
          ...(opts.changedSince ? { scheduleChangedAt: { gte: opts.changedSince } } : {}),
          ...(cursor ? { id: { gt: cursor } } : {}),
        },
        orderBy: { id: "asc" },
        take: DEPLOYMENT_BATCH,
        select: {
          id: true,
          flowId: true,
          version: true,
          parameters: true,
          tags: true,
          workQueueId: true,
          workQueueName: true,
          schedules: { where: { active: true }, select: { scheduleKey: true, schedule: true, parameters: true } },
          workQueue: { select: { workPool: { select: { name: true } } } },
        },
      });
      if (page.length === 0) break;
      const coverage = await this.coverage(
        page.map((d) => d.id),
        w.now,
      );
      const rows = page.flatMap((d) => scheduledRunRows(d, coverage.get(d.id) ?? new Map(), w, result.skipped, dates));
      const pools = new Map(page.map((d) => [d.id, d.workQueue?.workPool.name ?? null]));
      for (let i = 0; i < rows.length; i += s.insertBatchSize) {
        const batch = rows.slice(i, i + s.insertBatchSize);
        const ids = await inTransaction(this.db, (tx) => insertScheduledRuns(this.db, tx, batch, w.now));
        result.runsInserted += ids.length;
        this.announce(batch, ids, pools);
      }
      result.deployments += page.length;
      if (page.length < DEPLOYMENT_BATCH) break;
      cursor = page.at(-1)!.id;
    }
    return result;
  }

  /** The next `count` dates of a schedule input from `after` (default now), validated like applyDeployment's. */
  preview(input: ScheduleInput, opts: { count: number; after?: Date | null }): Date[] {
    const now = this.clock.now();
    return previewSchedule(input, { count: opts.count, after: opts.after ?? now }, now);
  }

  /** Marks SCHEDULED runs more than `afterSeconds` past their start as Late (type stays SCHEDULED). */
  async markLateRuns(): Promise<number> {
    const now = this.clock.now();
    const due = new Date(now.getTime() - this.settings.lateRuns.afterSeconds * 1000);
    const runs = await this.db.client.flowRun.findMany({
      where: { stateType: "SCHEDULED", stateName: "Scheduled", nextScheduledStartTime: { lte: due } },
      orderBy: { nextScheduledStartTime: "asc" },
      take: LATE_BATCH,
      select: { id: true, nextScheduledStartTime: true },
    });
    let marked = 0;
    for (const run of runs) {
      // keep the original start: "Late" is a label, the run is still due at the same time
      const t = await inTransaction(this.db, (tx) =>
        this.orchestrator.transition(tx, run.id, {
          type: "SCHEDULED",
          name: "Late",
          scheduledTime: run.nextScheduledStartTime,
        }),
      );
      if (t.written) {
        marked++;
        this.runEvents.transition(t);
      }
    }
    return marked;
  }

  private async coverage(deploymentIds: string[], now: Date): Promise<Map<string, Map<string, ScheduleCoverage>>> {
    const groups = await this.db.client.flowRun.groupBy({
      by: ["deploymentId", "scheduleKey"],
      where: {
        deploymentId: { in: deploymentIds },
        autoScheduled: true,
        stateType: "SCHEDULED",
        nextScheduledStartTime: { gte: now },
      },
      _count: { _all: true },
      _max: { nextScheduledStartTime: true },
    });
    const out = new Map<string, Map<string, ScheduleCoverage>>();
    for (const g of groups) {
      if (!g.deploymentId || !g.scheduleKey) continue;
      const perDeployment = out.get(g.deploymentId) ?? new Map<string, ScheduleCoverage>();
      perDeployment.set(g.scheduleKey, { count: g._count._all, last: g._max.nextScheduledStartTime });
      out.set(g.deploymentId, perDeployment);
    }
    return out;
  }

  /** New runs' first states are announced like any other state change (after commit). */
  private announce(
    batch: Array<{ id: string; stateId: string; flowId: string; deploymentId: string }>,
    insertedIds: string[],
    pools: Map<string, string | null>,
  ): void {
    const inserted = new Set(insertedIds);
    for (const r of batch) {
      if (!inserted.has(r.id)) continue;
      const run = {
        id: r.id,
        flowId: r.flowId,
        deploymentId: r.deploymentId,
        workPoolName: pools.get(r.deploymentId) ?? null,
      };
      this.runEvents.stateChanged(run, { id: r.stateId, type: "SCHEDULED", previousType: null });
    }
  }
}
