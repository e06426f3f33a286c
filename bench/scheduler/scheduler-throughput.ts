// Scheduler throughput: one full pass over 1,000 deployments with mixed schedules, in runs
// inserted per second, next to the same rows written by the driver alone, measured in the same
// run: raw better-sqlite3 (SQLite) or pg (PostgreSQL), prepared multi-row INSERTs sized under the
// database's parameter limit, in one transaction, into emptied tables, with no conflict handling,
// no RETURNING and no ORM. Both write what a scheduled run is: the run row pointing at its
// SCHEDULED state, and the state row. The ratio (pass rate / raw rate) is the figure.
import "reflect-metadata";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { SCHEDULED_RUN_COLUMNS, type ScheduledRunRow } from "../../src/db/insert-scheduled-runs.js";
import { scheduledRunRows, type SchedulingWindow } from "../../src/domain/scheduling/scheduled-run-rows.js";
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

const RUN_COLUMNS = SCHEDULED_RUN_COLUMNS;
const STATE_COLUMNS = ["id", "flowRunId", "type", "name", "timestamp", "message", "scheduledTime", "data", "details"];
const quoted = (columns: string[]) => columns.map((c) => `"${c}"`).join(", ");

function runValues(r: ScheduledRunRow, now: string, time: (d: Date) => string, autoScheduled: unknown): unknown[] {
  const start = time(r.start);
  return [
    r.id,
    r.name,
    r.flowId,
    r.deploymentId,
    r.deploymentVersion,
    JSON.stringify(r.parameters),
    "{}",
    JSON.stringify(r.tags),
    r.tagsKey,
    r.idempotencyKey,
    autoScheduled,
    r.scheduleKey,
    "{}",
    r.stateId,
    "SCHEDULED",
    "Scheduled",
    now,
    start,
    start,
    0,
    0,
    r.workQueueId,
    r.workQueueName,
    now,
    now,
  ];
}
function stateValues(r: ScheduledRunRow, now: string, time: (d: Date) => string): unknown[] {
  return [r.stateId, r.id, "SCHEDULED", "Scheduled", now, "Flow run scheduled", time(r.start), null, "{}"];
}
const tuples = (rows: number, columns: number, placeholder: (i: number) => string) =>
  Array.from(
    { length: rows },
    (_, row) => `(${Array.from({ length: columns }, (_, c) => placeholder(row * columns + c + 1)).join(", ")})`,
  ).join(", ");

/** better-sqlite3 on the database file: runs then states (foreign keys checked at commit), one transaction. */
interface Timed {
  ms: number;
  cpuMs: number;
}

function rawSqlite(file: string, rows: ScheduledRunRow[], nowDate: Date): Timed {
  const db = new Sqlite(file, { timeout: 10_000 });
  try {
    db.pragma("foreign_keys = ON");
    db.exec(`DELETE FROM "FlowRun"`); // its states go with it (ON DELETE CASCADE)
    const time = (d: Date) => d.toISOString().replace("Z", "+00:00"); // Prisma's SQLite DateTime text
    const now = time(nowDate);
    const statements = new Map<string, Sqlite.Statement>();
    const insert = (table: string, columns: string[], batch: unknown[][]) => {
      const key = `${table}:${batch.length}`;
      let s = statements.get(key);
      if (!s)
        statements.set(
          key,
          (s = db.prepare(
            `INSERT INTO "${table}" (${quoted(columns)}) VALUES ${tuples(batch.length, columns.length, () => "?")}`,
          )),
        );
      s.run(batch.flat());
    };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    db.transaction(() => {
      db.pragma("defer_foreign_keys = ON");
      const perRun = Math.floor(32_766 / RUN_COLUMNS.length);
      for (let i = 0; i < rows.length; i += perRun) {
        insert(
          "FlowRun",
          RUN_COLUMNS,
          rows.slice(i, i + perRun).map((r) => runValues(r, now, time, 1)),
        );
      }
      const perState = Math.floor(32_766 / STATE_COLUMNS.length);
      for (let i = 0; i < rows.length; i += perState) {
        insert(
          "FlowRunState",
          STATE_COLUMNS,
          rows.slice(i, i + perState).map((r) => stateValues(r, now, time)),
        );
      }
    })();
    return { ms: performance.now() - t0, cpuMs: cpuMs(c0) };
  } finally {
    db.close();
  }
}

/** pg: each statement inserts the states and the runs (a data-modifying CTE; foreign keys checked at its end), one transaction. */
async function rawPostgres(url: string, rows: ScheduledRunRow[], nowDate: Date): Promise<Timed> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DELETE FROM "FlowRun"`);
    const time = (d: Date) => d.toISOString();
    const now = time(nowDate);
    const per = Math.floor(65_535 / (RUN_COLUMNS.length + STATE_COLUMNS.length));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await client.query("BEGIN");
    for (let i = 0; i < rows.length; i += per) {
      const batch = rows.slice(i, i + per);
      const stateParams = batch.length * STATE_COLUMNS.length;
      const text =
        `WITH "s" AS (INSERT INTO "FlowRunState" (${quoted(STATE_COLUMNS)}) VALUES ${tuples(batch.length, STATE_COLUMNS.length, (n) => `$${n}`)}) ` +
        `INSERT INTO "FlowRun" (${quoted(RUN_COLUMNS)}) VALUES ${tuples(batch.length, RUN_COLUMNS.length, (n) => `$${stateParams + n}`)}`;
      await client.query({
        name: `bench-scheduled-${batch.length}`,
        text,
        values: [
          ...batch.flatMap((r) => stateValues(r, now, time)),
          ...batch.flatMap((r) => runValues(r, now, time, true)),
        ],
      });
    }
    await client.query("COMMIT");
    return { ms: performance.now() - t0, cpuMs: cpuMs(c0) };
  } finally {
    await client.end();
  }
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

export async function benchSchedulerThroughput(): Promise<void> {
  const db = await benchDatabase("scheduler");
  const batch = process.env.ORDO_SCHEDULER_INSERT_BATCH_SIZE;
  const config = loadConfig({
    ORDO_DATABASE_URL: db.url,
    ORDO_LOG_LEVEL: "error",
    ORDO_MIGRATE: "false",
    ORDO_SERVICES: "false",
    ...(batch ? { ORDO_SCHEDULER_INSERT_BATCH_SIZE: batch } : {}),
  });
  const settings = config.services;
  const app = await buildApp(config, { logger: createLogger("error") });
  try {
    for (let i = 0; i < DEPLOYMENTS; i++) {
      await app.services.deployments.apply({
        flowName: `bench-flow-${i % 50}`,
        name: `deployment-${i}`,
        parameters: { i },
        tags: ["bench"],
        schedules: [
          { schedule: SCHEDULES[i % SCHEDULES.length]! },
          { schedule: SCHEDULES[(i + 3) % SCHEDULES.length]! },
        ],
      });
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const pass = await app.services.scheduling.schedule();
    const schedulerMs = performance.now() - t0;
    const schedulerCpuMs = cpuMs(c0);

    // the same rows again (fresh ids, the same dates), written by the driver alone
    const deployments = await app.database.client.deployment.findMany({ include: { schedules: true } });
    const w: SchedulingWindow = { now: new Date(), ...settings.scheduler };
    const rows = deployments.flatMap((d) => scheduledRunRows(d, new Map(), w));
    const raw =
      db.provider === "sqlite"
        ? rawSqlite(db.url.slice("file:".length), rows, w.now)
        : await rawPostgres(db.url, rows, w.now);

    const schedulerRate = pass.runsInserted / (schedulerMs / 1000);
    const rawRate = rows.length / (raw.ms / 1000);
    const driver = db.provider === "sqlite" ? "better-sqlite3" : "pg";
    console.log(
      `scheduler (${db.provider}, ${DEPLOYMENTS} deployments, ${DEPLOYMENTS * 2} schedules, insert transactions of ≤ ${settings.scheduler.insertBatchSize} runs):`,
    );
    console.log(
      `  full pass:    ${pass.runsInserted} runs in ${(schedulerMs / 1000).toFixed(2)} s = ${schedulerRate.toFixed(0)} runs/s (date generation, coverage query, insert-or-ignore, states)`,
    );
    console.log(
      `  raw ${driver}: ${rows.length} runs in ${(raw.ms / 1000).toFixed(2)} s = ${rawRate.toFixed(0)} rows/s (same rows + states, prepared multi-row INSERTs, one transaction)`,
    );
    console.log(`  ratio pass/raw: ${(schedulerRate / rawRate).toFixed(2)}`);
    // on a shared machine wall time includes waiting for a core; this process's CPU time does not
    // (PostgreSQL: client side only, the server's work is not in it)
    console.log(
      `  this process's CPU: pass ${(schedulerCpuMs / 1000).toFixed(2)} s, raw ${(raw.cpuMs / 1000).toFixed(2)} s, ratio raw/pass ${(raw.cpuMs / schedulerCpuMs).toFixed(2)}`,
    );
  } finally {
    await app.stop();
    await db.drop();
  }
}
