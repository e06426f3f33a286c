// Run lifecycle throughput on PostgreSQL: runs created, claimed, moved RUNNING and COMPLETED
// through the GraphQL API by 8 concurrent workers, next to graphile-worker processing the same
// number of no-op jobs with concurrency 8 on the same PostgreSQL server, in the same run.
//
// Two modes, each for both systems:
// - queued first: N items are created (untimed), then the clock runs while 8 workers drain them;
// - trickle: 8 producers create N items while 8 workers run them at the same time.
//
// Kept comparable: both sides get the same number of items from 8 concurrent producers, the same
// untimed warm-up, a 10-connection pool, and a clock stopped at the last completion written; both
// are checked afterwards (every run COMPLETED through exactly SCHEDULED, PENDING, RUNNING,
// COMPLETED; every job run once), so a figure never counts lost or failed work. CPU is this
// process's (client and server, or graphile-worker) per item; SQL statements are the server's
// (BEGIN and COMMIT included), counted on its connections.
//
// The Ordo worker claims up to 10 runs with `startRunning` (PENDING and RUNNING in the claim's
// transaction) and reports their COMPLETED states in one `setFlowRunStates` call. With
// BENCH_LIFECYCLE_CLASSIC=1 the bench also runs the one-proposal-per-request path (claim, then
// setFlowRunState RUNNING and COMPLETED for each run), for comparison in the same run.
import "reflect-metadata";
import { Logger, makeWorkerUtils, run as runGraphileWorker } from "graphile-worker";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { NameAsTextClient } from "../../src/db/pg-adapter.js";
import { buildApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/logger.js";
import { benchDatabase } from "../bench-database.js";

const RUNS = Number(process.env.BENCH_LIFECYCLE_RUNS ?? 2000);
const WARMUP = Number(process.env.BENCH_LIFECYCLE_WARMUP ?? 100);
const CLAIM_LIMIT = Number(process.env.BENCH_LIFECYCLE_CLAIM_LIMIT ?? 10);
const CLASSIC = process.env.BENCH_LIFECYCLE_CLASSIC === "1";
const WORKERS = 8;
const PRODUCERS = 8;
/** an idle Ordo worker polls again after this long (graphile-worker: LISTEN/NOTIFY, or its 50 ms poll) */
const IDLE_MS = 5;

type Mode = "queued" | "trickle";
const MODES = (process.env.BENCH_LIFECYCLE_MODES?.split(",") ?? ["queued", "trickle"]) as Mode[];
const MODE_TEXT: Record<Mode, string> = {
  queued: `queued first (${RUNS} created, then drained)`,
  trickle: `trickle (${PRODUCERS} producers and ${WORKERS} workers at once)`,
};

interface Measured {
  ms: number;
  cpuMs: number;
  /** server SQL statements per item (Ordo only) */
  statements?: number;
  /** claim calls per item, and the share of them that found nothing (Ordo only) */
  claims?: number;
  emptyClaims?: number;
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
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < count) await produce(next++);
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SQL statements sent on the server's PostgreSQL connections, while counting is on. */
let statements = 0;
let counting = false;
function countStatements(): void {
  const query = NameAsTextClient.prototype.query;
  NameAsTextClient.prototype.query = function (this: NameAsTextClient, ...args: unknown[]) {
    if (counting) statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
}

export async function benchLifecycle(): Promise<void> {
  countStatements();
  // always PostgreSQL (graphile-worker's database), without changing what the other benches use
  const db = await benchDatabase(
    "lifecycle",
    process.env.ORDO_BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  );
  try {
    const paths = (process.env.BENCH_LIFECYCLE_PATHS?.split(",") ??
      (CLASSIC ? ["batched", "classic"] : ["batched"])) as OrdoPath[];
    // both set up side by side (idle, they cost next to nothing), then each mode measured for one
    // right after the other, so a load change on the machine between the two distorts the ratio less
    const graphileSide = await startGraphileWorker(db.url);
    const ordoSide = await startOrdo(db.url);
    const graphile = {} as Record<Mode, Measured>;
    const ordo = Object.fromEntries(paths.map((p) => [p, {}])) as Record<OrdoPath, Record<Mode, Measured>>;
    try {
      await graphileSide.warmUp();
      for (const p of paths) await ordoSide.warmUp(p);
      for (const mode of MODES) {
        graphile[mode] = await graphileSide.measure(mode);
        for (const p of paths) ordo[p][mode] = await ordoSide.measure(p, mode);
      }
    } finally {
      await ordoSide.stop();
      await graphileSide.stop();
    }
    const rate = (m: Measured) => RUNS / (m.ms / 1000);
    const line = (name: string, m: Measured, unit: string) =>
      `    ${name.padEnd(44)} ${m.ms.toFixed(0).padStart(6)} ms = ${rate(m).toFixed(0).padStart(5)} ${unit}/s, ${(m.cpuMs / RUNS).toFixed(2)} ms CPU per ${unit.slice(0, -1)}` +
      (m.statements === undefined ? "" : `, ${m.statements.toFixed(1)} SQL statements per run`) +
      (m.claims === undefined
        ? ""
        : `, ${m.claims.toFixed(2)} claims per run (${(100 * m.emptyClaims!).toFixed(0)} % empty)`);
    console.log(
      `run lifecycle (PostgreSQL, ${RUNS} items per mode after ${WARMUP} untimed, ${WORKERS} concurrent workers; Ordo over HTTP GraphQL):`,
    );
    for (const mode of MODES) {
      console.log(`  ${MODE_TEXT[mode]}:`);
      console.log(line(`graphile-worker (no-op jobs, concurrency ${WORKERS})`, graphile[mode], "jobs"));
      for (const p of paths) console.log(line(`ordo, ${PATH_TEXT[p]}`, ordo[p][mode], "runs"));
      for (const p of paths)
        console.log(
          `    ratio ordo (${p})/graphile-worker: ${(rate(ordo[p][mode]) / rate(graphile[mode])).toFixed(2)}`,
        );
    }
    console.log(
      `  ordo batched: a worker claims up to ${CLAIM_LIMIT} runs with startRunning, then reports their COMPLETED in one setFlowRunStates call;`,
    );
    console.log(
      `  every transition still goes through the orchestrator's rules (3 per run); creation is one createFlowRun call per run.`,
    );
  } finally {
    await db.drop();
  }
}

type OrdoPath = "batched" | "classic";
const PATH_TEXT: Record<OrdoPath, string> = {
  batched: "claim+RUNNING, batched COMPLETED",
  classic: "claim, RUNNING, COMPLETED per call",
};

interface OrdoSide {
  warmUp(path: OrdoPath): Promise<void>;
  measure(path: OrdoPath, mode: Mode): Promise<Measured>;
  stop(): Promise<void>;
}

async function startOrdo(url: string): Promise<OrdoSide> {
  const config = loadConfig({
    ORDO_DATABASE_URL: url,
    ORDO_PORT: "0",
    ORDO_LOG_LEVEL: "error",
    ORDO_MIGRATE: "false",
    ORDO_SERVICES: "false",
    ORDO_AUTH: "off",
  });
  const app = await buildApp(config, { logger: createLogger("error") });
  const { url: endpoint } = await app.start();
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  await gql(`mutation { createWorkPool(input: { name: "bench", type: "process" }) { id } }`, {});
  const d = await gql(
    `mutation { applyDeployment(input: { flowName: "bench", name: "noop", workPoolName: "bench" }) { deployment { id } } }`,
    {},
  );
  const deploymentId = d.applyDeployment.deployment.id;
  const create = async () => {
    await gql(`mutation($id: ID!) { createFlowRun(input: { deploymentId: $id }) { id } }`, { id: deploymentId });
  };

  /** Runs one worker's claimed runs to COMPLETED; returns how many it completed. */
  const runClaimed: Record<OrdoPath, (name: string) => Promise<number>> = {
    batched: async (name) => {
      const claimed = await gql(
        `mutation($n: String!, $l: Int!) { claimFlowRuns(input: { workPoolName: "bench", workerName: $n, limit: $l, startRunning: true }) { id stateType } }`,
        { n: name, l: CLAIM_LIMIT },
      );
      const runs: Array<{ id: string; stateType: string }> = claimed.claimFlowRuns;
      if (runs.length === 0) return 0;
      for (const r of runs)
        if (r.stateType !== "RUNNING") throw new Error(`claimed run ${r.id} is ${r.stateType}, not RUNNING`);
      // the no-op work would run here
      const done = await gql(
        `mutation($p: [SetFlowRunStateInput!]!) { setFlowRunStates(input: { proposals: $p }) { flowRunId error { message } result { status } } }`,
        {
          p: runs.map((r) => ({ flowRunId: r.id, state: { type: "COMPLETED" } })),
        },
      );
      for (const r of done.setFlowRunStates)
        if (r.result?.status !== "ACCEPT") throw new Error(`COMPLETED of ${r.flowRunId}: ${JSON.stringify(r)}`);
      return runs.length;
    },
    classic: async (name) => {
      const claimed = await gql(
        `mutation($n: String!, $l: Int!) { claimFlowRuns(input: { workPoolName: "bench", workerName: $n, limit: $l }) { id } }`,
        { n: name, l: CLAIM_LIMIT },
      );
      for (const { id } of claimed.claimFlowRuns) {
        for (const type of ["RUNNING", "COMPLETED"]) {
          const r = await gql(
            `mutation($id: ID!, $t: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $t } }) { status } }`,
            { id, t: type },
          );
          if (r.setFlowRunState.status !== "ACCEPT") throw new Error(`${type} of ${id}: ${r.setFlowRunState.status}`);
        }
      }
      return claimed.claimFlowRuns.length;
    },
  };

  let claims = 0;
  let emptyClaims = 0;
  const drain = async (path: OrdoPath, count: number) => {
    let completed = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, i) => {
        while (completed < count) {
          const n = await runClaimed[path](`w${i}`);
          completed += n;
          claims++;
          if (n === 0) emptyClaims++;
          if (n === 0) await sleep(IDLE_MS);
        }
      }),
    );
  };
  const lifecycle = async (path: OrdoPath, mode: Mode, count: number): Promise<Measured> => {
    if (mode === "queued") await produceAll(count, create);
    statements = 0;
    claims = 0;
    emptyClaims = 0;
    counting = true;
    const m = await measure(() =>
      Promise.all([mode === "trickle" ? produceAll(count, create) : undefined, drain(path, count)]).then(
        () => undefined,
      ),
    );
    counting = false;
    return {
      ...m,
      statements: statements / count,
      claims: claims / count,
      emptyClaims: emptyClaims / Math.max(claims, 1),
    };
  };

  let total = 0;
  const check = async () => {
    const client = app.database.client;
    const runs = await client.flowRun.groupBy({ by: ["stateType"], _count: { _all: true } });
    const states = await client.flowRunState.groupBy({ by: ["type"], _count: { _all: true } });
    const expected = (rows: Array<{ _count: { _all: number } }>, n: number) =>
      rows.length === 1 && rows[0]!._count._all === n;
    if (
      !expected(runs, total) ||
      runs[0]!.stateType !== "COMPLETED" ||
      states.length !== 4 ||
      !states.every((s) => s._count._all === total)
    ) {
      throw new Error(
        `ordo: expected ${total} COMPLETED runs with one state of each type, got ${JSON.stringify({ runs, states })}`,
      );
    }
  };
  return {
    async warmUp(path) {
      await lifecycle(path, "trickle", WARMUP);
      total += WARMUP;
      await check();
    },
    async measure(path, mode) {
      const m = await lifecycle(path, mode, RUNS);
      total += RUNS;
      await check();
      return m;
    },
    stop: () => app.stop(),
  };
}

interface GraphileSide {
  warmUp(): Promise<void>;
  measure(mode: Mode): Promise<Measured>;
  stop(): Promise<void>;
}

async function startGraphileWorker(url: string): Promise<GraphileSide> {
  const quiet = new Logger(() => () => {});
  // our own pool, ended before the database is dropped (graphile-worker leaves its own open)
  const pgPool = new pg.Pool({ connectionString: url, max: WORKERS + 2 });
  pgPool.on("error", () => undefined);
  pgPool.on("connect", (client) => client.on("error", () => undefined));
  const utils = await makeWorkerUtils({ pgPool, logger: quiet });
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
  const expect = (count: number) => {
    done = 0;
    target = count;
    return new Promise<void>((r) => (finished = r));
  };
  // a job counts once its completion is written (graphile-worker deletes it after the task
  // resolves, without waiting), as an Ordo run counts once COMPLETED is committed
  const drained = async () => {
    while (Number((await pgPool.query<{ n: string }>("SELECT count(*) AS n FROM graphile_worker.jobs")).rows[0]!.n) > 0)
      await sleep(2);
  };
  const trickle = async (count: number) => {
    const allDone = expect(count);
    await produceAll(count, async (i) => {
      await utils.addJob("noop", { i });
    });
    await allDone;
    await drained();
  };
  /** queued first: the jobs are added inside one transaction (the runner sees none of them), and the clock starts at its commit */
  const queued = async (): Promise<Measured> => {
    const client = await pgPool.connect();
    try {
      await client.query("BEGIN");
      for (let i = 0; i < RUNS; i++)
        await client.query("SELECT graphile_worker.add_job('noop', json_build_object('i', $1::int))", [i]);
      const allDone = expect(RUNS);
      return await measure(async () => {
        await client.query("COMMIT");
        await allDone;
        await drained();
      });
    } finally {
      client.release();
    }
  };
  const checked = (m: Measured) => {
    if (done !== RUNS) throw new Error(`graphile-worker: ${done} of ${RUNS} jobs run`);
    return m;
  };
  return {
    warmUp: () => trickle(WARMUP),
    measure: async (mode) => checked(mode === "queued" ? await queued() : await measure(() => trickle(RUNS))),
    async stop() {
      await runner.stop();
      await utils.release();
      await pgPool.end();
    },
  };
}
