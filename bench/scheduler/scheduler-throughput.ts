// Scheduler throughput: one full pass over 1,000 deployments with mixed schedules, in runs
// inserted per second, next to a plain batched insert of the same rows through the same driver
// (Prisma createMany, no conflict handling) measured in the same run. The ratio is the figure.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { inTransaction } from "../../src/db/transaction.js";
import { scheduledRunRows } from "../../src/domain/scheduling/scheduled-run-rows.js";
import { buildApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/logger.js";
import { benchDatabase } from "../bench-database.js";

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);

const SCHEDULES = [
  { cron: { cron: "* * * * *" } },
  { cron: { cron: "*/5 * * * *", timezone: "America/New_York" } },
  { interval: { interval: 600, timezone: "Europe/London" } },
  { interval: { interval: 86400, timezone: "Australia/Lord_Howe" } },
  { rrule: { rrule: "FREQ=HOURLY;INTERVAL=2", timezone: "Asia/Tehran" } },
  { rrule: { rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=0", timezone: "America/Santiago" } },
];

export async function benchSchedulerThroughput(): Promise<void> {
  const db = await benchDatabase("scheduler");
  const config = loadConfig({ ORDO_DATABASE_URL: db.url, ORDO_LOG_LEVEL: "error", ORDO_MIGRATE: "false", ORDO_SERVICES: "false" });
  const settings = config.services;
  const app = await buildApp(config, { logger: createLogger("error") });
  try {
    for (let i = 0; i < DEPLOYMENTS; i++) {
      await app.services.deployments.apply({
        flowName: `bench-flow-${i % 50}`,
        name: `deployment-${i}`,
        parameters: { i },
        tags: ["bench"],
        schedules: [{ schedule: SCHEDULES[i % SCHEDULES.length]! }, { schedule: SCHEDULES[(i + 3) % SCHEDULES.length]! }],
      });
    }
    let t0 = performance.now();
    const pass = await app.services.scheduling.schedule();
    const schedulerMs = performance.now() - t0;

    // the baseline inserts the same rows again, into an emptied table, without conflict handling
    const prisma = app.database.client;
    await prisma.flowRun.deleteMany({});
    const deployments = await prisma.deployment.findMany({ include: { schedules: true } });
    const now = new Date();
    const w = { now, ...settings.scheduler };
    const rows = deployments.flatMap((d) => scheduledRunRows(d, new Map(), w));
    t0 = performance.now();
    for (let i = 0; i < rows.length; i += settings.scheduler.insertBatchSize) {
      const batch = rows.slice(i, i + settings.scheduler.insertBatchSize);
      await inTransaction(app.database, async (tx) => {
        await tx.flowRun.createMany({
          data: batch.map((r) => ({
            id: r.id, name: r.name, flowId: r.flowId, deploymentId: r.deploymentId, deploymentVersion: r.deploymentVersion,
            parameters: r.parameters as object, tags: r.tags, tagsKey: r.tagsKey, idempotencyKey: r.idempotencyKey,
            autoScheduled: true, scheduleKey: r.scheduleKey, stateType: "SCHEDULED", stateName: "Scheduled", stateTimestamp: now,
            expectedStartTime: r.start, nextScheduledStartTime: r.start, workQueueId: r.workQueueId, workQueueName: r.workQueueName,
          })),
        });
        await tx.flowRunState.createMany({
          data: batch.map((r) => ({ id: randomUUID(), flowRunId: r.id, type: "SCHEDULED", name: "Scheduled", timestamp: now, scheduledTime: r.start })),
        });
      });
    }
    const rawMs = performance.now() - t0;
    const schedulerRate = pass.runsInserted / (schedulerMs / 1000);
    const rawRate = rows.length / (rawMs / 1000);
    console.log(`scheduler (${db.provider}, ${DEPLOYMENTS} deployments, ${DEPLOYMENTS * 2} schedules):`);
    console.log(`  full pass:          ${pass.runsInserted} runs in ${schedulerMs.toFixed(0)} ms = ${schedulerRate.toFixed(0)} runs/s (incl. date generation, coverage query, insert-or-ignore)`);
    console.log(`  raw createMany:     ${rows.length} runs in ${rawMs.toFixed(0)} ms = ${rawRate.toFixed(0)} runs/s (same rows, same driver, no conflict handling)`);
    console.log(`  ratio scheduler/raw: ${(schedulerRate / rawRate).toFixed(2)}`);
  } finally {
    await app.stop();
    await db.drop();
  }
}
