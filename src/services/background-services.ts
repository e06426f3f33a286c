// Starts and stops the server's background loops: the scheduler (main pass and fast pass for
// just-changed deployments, leader-only on PostgreSQL), the late-runs marker, and run leases
// (crash detection and the CANCELLING timeout).
import type { OrdoConfig } from "../config.js";
import { createLeaderLock } from "../db/advisory-lock.js";
import type { Database } from "../db/prisma-client.js";
import { isUnavailable } from "../db/unavailable.js";
import type { RunLeaseService } from "../domain/flow-runs/run-lease.service.js";
import type { SchedulingService } from "../domain/scheduling/scheduling.service.js";
import type { Logger } from "./logger.js";
import type { Clock } from "../tokens.js";
import { startLoop, type Loop } from "./loop.js";

/** pg advisory lock key for the scheduler ("ordo" + 1) */
const SCHEDULER_LOCK_KEY = 0x6f72646f01;

export interface BackgroundServices {
  stop(): Promise<void>;
}

export function startBackgroundServices(deps: {
  config: OrdoConfig;
  database: Database;
  scheduling: SchedulingService;
  leases: RunLeaseService;
  clock: Clock;
  logger: Logger;
}): BackgroundServices {
  const { config, database, scheduling, leases, clock, logger } = deps;
  const s = config.services;
  const lock = createLeaderLock(config.databaseUrl, database.provider, SCHEDULER_LOCK_KEY);
  // a restarted server gives workers a whole lease to reach it before crashing their runs; so does
  // one whose database was unreachable (a pass failed): heartbeats sent meanwhile were lost, not missed
  let listeningSince = clock.now();
  let lastPass: Date | null = null;
  // the two scheduler loops share one queue: a fast pass never overlaps a main pass
  let queue: Promise<void> = Promise.resolve();
  const serialized = (fast: boolean) => {
    const run = queue.then(() => pass(fast));
    queue = run.catch(() => undefined); // a failed pass (logged by its loop) must not block the next
    return run;
  };
  const pass = async (fast: boolean) => {
    if (!(await lock.acquire())) return;
    const started = clock.now();
    // the fast pass looks back a little further than its own interval so no change slips between passes
    const changedSince = fast && lastPass ? new Date(lastPass.getTime() - 1000) : undefined;
    if (fast && !changedSince) return;
    const r = await scheduling.schedule({ changedSince });
    lastPass = started;
    for (const k of r.skipped)
      logger.warn(`scheduler: skipped schedule ${k.scheduleKey} of deployment ${k.deploymentId}: ${k.reason}`);
    if (r.runsInserted > 0)
      logger.info(`scheduler: ${r.runsInserted} runs for ${r.deployments} deployments${fast ? " (changed)" : ""}`);
  };
  const loops: Loop[] = [
    startLoop("scheduler", s.scheduler.loopSeconds, () => serialized(false), logger),
    startLoop("scheduler (changed deployments)", s.scheduler.recentLoopSeconds, () => serialized(true), logger),
    startLoop(
      "late runs",
      s.lateRuns.loopSeconds,
      async () => {
        const n = await scheduling.markLateRuns();
        if (n > 0) logger.info(`late runs: marked ${n}`);
      },
      logger,
    ),
    startLoop(
      "run leases",
      s.leases.loopSeconds,
      async () => {
        try {
          const crashed = await leases.crashAbandonedRuns({ listeningSince });
          const cancelled = await leases.timeOutCancelling();
          if (crashed + cancelled > 0) logger.warn(`run leases: ${crashed} crashed, ${cancelled} forced cancelled`);
        } catch (e) {
          if (isUnavailable(e)) listeningSince = clock.now();
          throw e;
        }
      },
      logger,
    ),
  ];
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      await lock.release();
    },
  };
}
