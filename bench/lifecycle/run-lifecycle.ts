// Run lifecycle throughput on PostgreSQL: runs created, claimed, moved RUNNING and COMPLETED
// through the GraphQL API by 8 concurrent workers, next to graphile-worker processing the same
// number of no-op jobs with concurrency 8 on the same PostgreSQL server, in the same run.
//
// Kept comparable: both sides get the same number of items from 8 concurrent producers, the same
// untimed warm-up, a 10-connection pool, and a clock started once they are up and stopped at the
// last completion written; both are checked afterwards (every run COMPLETED through exactly
// SCHEDULED, PENDING, RUNNING, COMPLETED; every job run once), so a figure never counts lost or
// failed work. CPU is this process's (client and server, or graphile-worker) per item.
import "reflect-metadata";
import { Logger, makeWorkerUtils, run as runGraphileWorker } from "graphile-worker";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { buildApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/logger.js";
import { benchDatabase } from "../bench-database.js";

const RUNS = Number(process.env.BENCH_LIFECYCLE_RUNS ?? 2000);
const WARMUP = Number(process.env.BENCH_LIFECYCLE_WARMUP ?? 100);
const WORKERS = 8;
const PRODUCERS = 8;

interface Measured {
  ms: number;
  cpuMs: number;
}

/** Runs `fn`, timing it in wall-clock and in this process's CPU time. */
async function measure(fn: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** `count` calls of `produce`, PRODUCERS at a time. */
async function produceAll(count: number, produce: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PRODUCERS }, async () => {
    while (next < count) await produce(next++);
  }));
}

export async function benchLifecycle(): Promise<void> {
  process.env.ORDO_BENCH_DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";
  const db = await benchDatabase("lifecycle");
  try {
    const ordo = await benchOrdo(db.url);
    const graphile = await benchGraphileWorker(db.url);
    const rate = (m: Measured) => RUNS / (m.ms / 1000);
    console.log(`run lifecycle (PostgreSQL, ${RUNS} items each after ${WARMUP} untimed, ${PRODUCERS} producers, ${WORKERS} concurrent workers):`);
    console.log(`  ordo (create → claim → RUNNING → COMPLETED over HTTP GraphQL): ${ordo.ms.toFixed(0)} ms = ${rate(ordo).toFixed(0)} runs/s, ${(ordo.cpuMs / RUNS).toFixed(2)} ms CPU per run`);
    console.log(`  graphile-worker (add → run no-op job, concurrency ${WORKERS}):     ${graphile.ms.toFixed(0)} ms = ${rate(graphile).toFixed(0)} jobs/s, ${(graphile.cpuMs / RUNS).toFixed(2)} ms CPU per job`);
    console.log(`  ratio ordo/graphile-worker: ${(rate(ordo) / rate(graphile)).toFixed(2)} (per run ordo makes 3 API calls plus a share of one claim, and 3 orchestrated transitions)`);
  } finally {
    await db.drop();
  }
}

async function benchOrdo(url: string): Promise<Measured> {
  const config = loadConfig({ ORDO_DATABASE_URL: url, ORDO_PORT: "0", ORDO_LOG_LEVEL: "error", ORDO_MIGRATE: "false", ORDO_SERVICES: "false", ORDO_AUTH: "off" });
  const app = await buildApp(config, { logger: createLogger("error") });
  try {
    const { url: endpoint } = await app.start();
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    await gql(`mutation { createWorkPool(input: { name: "bench", type: "process" }) { id } }`, {});
    const d = await gql(`mutation { applyDeployment(input: { flowName: "bench", name: "noop", workPoolName: "bench" }) { deployment { id } } }`, {});
    const deploymentId = d.applyDeployment.deployment.id;

    const lifecycle = async (count: number) => {
      let completed = 0;
      const producer = produceAll(count, async () => {
        await gql(`mutation($id: ID!) { createFlowRun(input: { deploymentId: $id }) { id } }`, { id: deploymentId });
      });
      const worker = async (name: string) => {
        while (completed < count) {
          const claimed = await gql(`mutation($n: String!) { claimFlowRuns(input: { workPoolName: "bench", workerName: $n, limit: 10 }) { id } }`, { n: name });
          if (claimed.claimFlowRuns.length === 0) {
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          for (const { id } of claimed.claimFlowRuns) {
            for (const type of ["RUNNING", "COMPLETED"]) {
              const r = await gql(`mutation($id: ID!, $t: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $t } }) { status } }`, { id, t: type });
              if (r.setFlowRunState.status !== "ACCEPT") throw new Error(`${type} of ${id}: ${r.setFlowRunState.status}`);
            }
            completed++;
          }
        }
      };
      await Promise.all([producer, ...Array.from({ length: WORKERS }, (_, i) => worker(`w${i}`))]);
    };
    await lifecycle(WARMUP);
    const measured = await measure(() => lifecycle(RUNS));

    const client = app.database.client;
    const runs = await client.flowRun.groupBy({ by: ["stateType"], _count: { _all: true } });
    const states = await client.flowRunState.groupBy({ by: ["type"], _count: { _all: true } });
    const total = WARMUP + RUNS;
    const expected = (rows: Array<{ _count: { _all: number } }>, n: number) => rows.length === 1 && rows[0]!._count._all === n;
    if (!expected(runs, total) || runs[0]!.stateType !== "COMPLETED" || states.length !== 4 || !states.every((s) => s._count._all === total)) {
      throw new Error(`ordo: expected ${total} COMPLETED runs with one state of each type, got ${JSON.stringify({ runs, states })}`);
    }
    return measured;
  } finally {
    await app.stop();
  }
}

async function benchGraphileWorker(url: string): Promise<Measured> {
  const quiet = new Logger(() => () => {});
  // our own pool, ended before the database is dropped (graphile-worker leaves its own open)
  const pgPool = new pg.Pool({ connectionString: url, max: WORKERS + 2 });
  pgPool.on("error", () => undefined);
  pgPool.on("connect", (client) => client.on("error", () => undefined));
  const utils = await makeWorkerUtils({ pgPool, logger: quiet });
  try {
    await utils.migrate();
    let done = 0;
    let target = 0;
    let finished: () => void = () => {};
    const runner = await runGraphileWorker({
      pgPool,
      concurrency: WORKERS,
      noHandleSignals: true,
      pollInterval: 50,
      logger: quiet,
      taskList: {
        noop: async () => {
          if (++done === target) finished();
        },
      },
    });
    try {
      const batch = async (count: number) => {
        done = 0;
        target = count;
        const allDone = new Promise<void>((r) => (finished = r));
        await produceAll(count, async (i) => {
          await utils.addJob("noop", { i });
        });
        await allDone;
        // a job counts once its completion is written (graphile-worker deletes it after the task
        // resolves, without waiting), as an Ordo run counts once COMPLETED is committed
        while (Number((await pgPool.query<{ n: string }>("SELECT count(*) AS n FROM graphile_worker.jobs")).rows[0]!.n) > 0) {
          await new Promise((r) => setTimeout(r, 2));
        }
      };
      await batch(WARMUP);
      const measured = await measure(() => batch(RUNS));
      if (done !== RUNS) throw new Error(`graphile-worker: ${done} of ${RUNS} jobs run`);
      return measured;
    } finally {
      await runner.stop();
    }
  } finally {
    await utils.release();
    await pgPool.end();
  }
}
