// Run lifecycle throughput on PostgreSQL: runs created, claimed, moved RUNNING and COMPLETED
// through the GraphQL API by 8 concurrent workers, next to graphile-worker processing the same
// number of no-op jobs with concurrency 8 on the same PostgreSQL server, in the same run.
import "reflect-metadata";
import { Logger, makeWorkerUtils, run as runGraphileWorker } from "graphile-worker";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { buildApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/logger.js";
import { benchDatabase } from "../bench-database.js";

const RUNS = Number(process.env.BENCH_LIFECYCLE_RUNS ?? 2000);
const WORKERS = 8;

export async function benchLifecycle(): Promise<void> {
  process.env.ORDO_BENCH_DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";
  const db = await benchDatabase("lifecycle");
  const config = loadConfig({ ORDO_DATABASE_URL: db.url, ORDO_PORT: "0", ORDO_LOG_LEVEL: "error", ORDO_MIGRATE: "false", ORDO_SERVICES: "false" });
  const app = await buildApp(config, { logger: createLogger("error") });
  let stopped = false;
  try {
    const { url } = await app.start();
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    await gql(`mutation { createWorkPool(input: { name: "bench", type: "process" }) { id } }`, {});
    const d = await gql(`mutation { applyDeployment(input: { flowName: "bench", name: "noop", workPoolName: "bench" }) { deployment { id } } }`, {});
    const deploymentId = d.applyDeployment.deployment.id;

    const t0 = performance.now();
    let created = 0;
    let completed = 0;
    const producer = (async () => {
      // 8 concurrent creators, like clients submitting work
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (created < RUNS) {
            created++;
            await gql(`mutation($id: ID!) { createFlowRun(input: { deploymentId: $id }) { id } }`, { id: deploymentId });
          }
        }),
      );
    })();
    const worker = async (name: string) => {
      while (completed < RUNS) {
        const claimed = await gql(`mutation($n: String!) { claimFlowRuns(input: { workPoolName: "bench", workerName: $n, limit: 10 }) { id } }`, { n: name });
        if (claimed.claimFlowRuns.length === 0) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        for (const { id } of claimed.claimFlowRuns) {
          for (const type of ["RUNNING", "COMPLETED"]) {
            await gql(`mutation($id: ID!, $t: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $t } }) { status } }`, { id, t: type });
          }
          completed++;
        }
      }
    };
    await Promise.all([producer, ...Array.from({ length: WORKERS }, (_, i) => worker(`w${i}`))]);
    const ordoMs = performance.now() - t0;
    await app.stop();
    stopped = true;

    // graphile-worker: the same number of no-op jobs, concurrency 8, same PostgreSQL
    const quiet = new Logger(() => () => {});
    // our own pool, ended before the database is dropped (graphile-worker leaves its own open)
    const pgPool = new pg.Pool({ connectionString: db.url, max: WORKERS + 2 });
    pgPool.on("error", () => undefined);
    pgPool.on("connect", (client) => client.on("error", () => undefined));
    const utils = await makeWorkerUtils({ pgPool, logger: quiet });
    await utils.migrate();
    const g0 = performance.now();
    let done = 0;
    let finished!: () => void;
    const allDone = new Promise<void>((r) => (finished = r));
    const runner = await runGraphileWorker({
      pgPool,
      concurrency: WORKERS,
      noHandleSignals: true,
      pollInterval: 50,
      logger: quiet,
      taskList: {
        noop: async () => {
          if (++done === RUNS) finished();
        },
      },
    });
    await Promise.all(Array.from({ length: RUNS }, (_, i) => utils.addJob("noop", { i })));
    await allDone;
    const graphileMs = performance.now() - g0;
    await runner.stop();
    await utils.release();
    await pgPool.end();

    const ordoRate = RUNS / (ordoMs / 1000);
    const graphileRate = RUNS / (graphileMs / 1000);
    console.log(`run lifecycle (PostgreSQL, ${RUNS} runs, ${WORKERS} concurrent workers):`);
    console.log(`  ordo (create → claim → RUNNING → COMPLETED over HTTP GraphQL): ${ordoMs.toFixed(0)} ms = ${ordoRate.toFixed(0)} runs/s`);
    console.log(`  graphile-worker (add → run no-op job, concurrency ${WORKERS}):     ${graphileMs.toFixed(0)} ms = ${graphileRate.toFixed(0)} jobs/s`);
    console.log(`  ratio ordo/graphile-worker: ${(ordoRate / graphileRate).toFixed(2)} (ordo does 4 API calls and 3 orchestrated transitions per run)`);
  } finally {
    if (!stopped) await app.stop();
    await db.drop();
  }
}
