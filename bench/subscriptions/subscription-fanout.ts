// Subscription fan-out: what 1,000 graphql-ws subscribers to `flowRunStateChanged` cost the
// writers (state changes/s next to the same writers with no subscriber, in the same run), how
// late their events arrive (p50/p99 from the mutation's response to the event at each client),
// and the server's memory per subscriber. And the same events through Redis: two replicas on one
// database, subscribers on B, changes on A, next to a single replica measured in the same run.
//
// Servers run in child processes (the app from the sources, through tsx), so server CPU is not
// shared with the 1,000 clients of this process. Everything listens on 127.0.0.1 only.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { benchDatabase } from "../bench-database.js";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const REDIS_SUBSCRIBERS = Number(process.env.BENCH_REDIS_SUBSCRIBERS ?? 50);
const SECONDS = Number(process.env.BENCH_SUBSCRIPTION_SECONDS ?? 4);
/** closed-loop writers, each moving its own run back and forth */
const WRITERS = 4;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

const SUBSCRIPTION = `subscription { flowRunStateChanged { previousStateType flowRun { id name stateType stateName runCount } state { id type name timestamp } } }`;
const SET_STATE = `mutation($id: ID!, $t: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $t }, force: true }) { status state { id } } }`;

const root = fileURLToPath(new URL("../..", import.meta.url));

// ---------------------------------------------------------------------------------------------
// a server in a child process

interface ServerChild {
  url: string;
  wsUrl: string;
  /** resident set size after two full GCs, in bytes */
  rss(): Promise<number>;
  /** starts the server's CPU profiler; the returned function writes the profile to `file` */
  profile(): Promise<(file: string) => Promise<void>>;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = `
  import "reflect-metadata";
  import { createInterface } from "node:readline";
  const { buildApp } = await import(${JSON.stringify(new URL("../../src/server/app.ts", import.meta.url).href)});
  const { createLogger } = await import(${JSON.stringify(new URL("../../src/server/logger.ts", import.meta.url).href)});
  const { loadConfig } = await import(${JSON.stringify(new URL("../../src/config.ts", import.meta.url).href)});
  const app = await buildApp(loadConfig(process.env), { logger: createLogger("error") });
  const { url } = await app.start();
  process.stdout.write("url " + url + "\\n");
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "profile") {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
      process.stdout.write("profiling on\\n");
    }
    if (line.startsWith("profile-to ")) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(line.slice(11), JSON.stringify(profile));
      session.disconnect();
      process.stdout.write("profiled " + line.slice(11) + "\\n");
    }
    if (line === "rss") {
      for (let i = 0; i < 3; i++) { globalThis.gc?.(); await new Promise((r) => setTimeout(r, 20)); }
      process.stdout.write("rss " + process.memoryUsage().rss + "\\n");
    }
  }
  await app.stop();
  process.exit(0);
`;

async function startServer(env: Record<string, string>): Promise<ServerChild> {
  const home = mkdtempSync(path.join(os.tmpdir(), "ordo-bench-sub-"));
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      "--expose-gc",
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--conditions=ordo-source",
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      SERVER_SCRIPT,
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/root",
        NODE_ENV: "production",
        ORDO_HOME: home,
        ORDO_PORT: "0",
        ORDO_HOST: "127.0.0.1",
        ORDO_AUTH: "off",
        ORDO_SERVICES: "false",
        ORDO_MIGRATE: "false",
        ORDO_GRAPHIQL: "false",
        ORDO_LOG_LEVEL: "error",
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => rmSync(home, { recursive: true, force: true }));
  const waiting: Array<{ prefix: string; resolve(rest: string): void }> = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const i = waiting.findIndex((w) => line.startsWith(`${w.prefix} `));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(line.slice(line.indexOf(" ") + 1));
  });
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      waiting.push({ prefix, resolve });
      void exited.then(() => reject(new Error(`bench server exited: ${stderr}`)));
    });
  const url = await next("url");
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    async rss() {
      const answer = next("rss");
      child.stdin.write("rss\n");
      return Number(await answer);
    },
    async profile() {
      const on = next("profiling");
      child.stdin.write("profile\n");
      await on;
      return async (file: string) => {
        const done = next("profiled");
        child.stdin.write(`profile-to ${file}\n`);
        await done;
      };
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// clients

async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

/** `count` runs of one deployment, each created SCHEDULED. */
async function createRuns(url: string, count: number): Promise<string[]> {
  const d = await gql(
    url,
    `mutation { applyDeployment(input: { flowName: "bench", name: "subscriptions" }) { deployment { id } } }`,
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      (
        await gql(url, `mutation($id: ID!) { createFlowRun(input: { deploymentId: $id }) { id } }`, {
          id: d.applyDeployment.deployment.id,
        })
      ).createFlowRun.id,
    );
  }
  return ids;
}

/** Every state id a client received, with when it arrived (performance.now()). */
interface Subscribers {
  /** per client: state id → arrival time */
  arrivals: Array<Map<string, number>>;
  /** per client: state ids in arrival order */
  orders: string[][];
  errors: unknown[];
  close(): Promise<void>;
}

async function subscribe(wsUrl: string, count: number): Promise<Subscribers> {
  const arrivals: Array<Map<string, number>> = [];
  const orders: string[][] = [];
  const errors: unknown[] = [];
  const clients: Client[] = [];
  // opened in batches, so the server's accept backlog is not the thing measured
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, async () => {
        const seen = new Map<string, number>();
        const order: string[] = [];
        arrivals.push(seen);
        orders.push(order);
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          keepAlive: 0,
        });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          const off = client.on("connected", () => {
            off();
            resolve();
          });
          client.on("error", reject);
        });
        client.subscribe<{ flowRunStateChanged: { state: { id: string } } }>(
          { query: SUBSCRIPTION },
          {
            next: (v) => {
              const id = v.data?.flowRunStateChanged.state.id;
              if (!id) return void errors.push(v.errors ?? v);
              seen.set(id, performance.now());
              order.push(id);
            },
            error: (e) => errors.push(e),
            complete: () => {},
          },
        );
      }),
    );
  }
  return {
    arrivals,
    orders,
    errors,
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
}

/**
 * Subscriptions register asynchronously after `subscribe` is sent: moves `runId` until every
 * client has received an event (untimed warm-up), then forgets what they got.
 */
async function untilAllListening(url: string, runId: string, subs: Subscribers, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let flip = 0;
  while (!subs.arrivals.every((m) => m.size > 0)) {
    if (Date.now() > deadline)
      throw new Error(
        `only ${subs.arrivals.filter((m) => m.size > 0).length} of ${subs.arrivals.length} subscribers got an event`,
      );
    await gql(url, SET_STATE, { id: runId, t: flip++ % 2 ? "PENDING" : "RUNNING" });
    await new Promise((r) => setTimeout(r, 200));
  }
  // events still in flight from the warm-up land before we forget them
  await new Promise((r) => setTimeout(r, 500));
  if (subs.errors.length) throw new Error(`subscription errors: ${JSON.stringify(subs.errors.slice(0, 3))}`);
  for (const m of subs.arrivals) m.clear();
  for (const o of subs.orders) o.length = 0;
}

/** state id → when its mutation's response arrived */
type Responses = Map<string, number>;
/** state id → when its mutation was sent */
const requested = new Map<string, number>();

/** WRITERS closed loops, each moving its own run RUNNING ↔ PENDING (forced), for `seconds`. */
async function drive(url: string, runs: string[], seconds: number): Promise<{ rate: number; responses: Responses }> {
  const responses: Responses = new Map();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let count = 0;
  await Promise.all(
    runs.slice(0, WRITERS).map(async (id, w) => {
      let flip = w;
      while (performance.now() < end) {
        const sent = performance.now();
        const r = await gql(url, SET_STATE, { id, t: flip++ % 2 ? "PENDING" : "RUNNING" });
        requested.set(r.setFlowRunState.state.id, sent);
        if (r.setFlowRunState.status !== "ACCEPT") throw new Error(`state change refused: ${r.setFlowRunState.status}`);
        responses.set(r.setFlowRunState.state.id, performance.now());
        count++;
      }
    }),
  );
  return { rate: count / ((performance.now() - t0) / 1000), responses };
}

/** One change at a time, `perSecond` apart: delivery latency without a queue in front of it. */
async function paced(url: string, runId: string, count: number, perSecond: number): Promise<Responses> {
  const responses: Responses = new Map();
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    const r = await gql(url, SET_STATE, { id: runId, t: i % 2 ? "PENDING" : "RUNNING" });
    requested.set(r.setFlowRunState.state.id, sent);
    responses.set(r.setFlowRunState.state.id, performance.now());
    await new Promise((res) => setTimeout(res, 1000 / perSecond));
  }
  return responses;
}

/** Waits (bounded) until every client has every event, then returns the delivery latencies. */
async function latencies(
  subs: Subscribers,
  responses: Responses,
  ordered = false,
  timeoutMs = 30_000,
): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  const complete = () => subs.arrivals.every((m) => [...responses.keys()].every((id) => m.has(id)));
  while (!complete() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const ms: number[] = [];
  const fromRequest: number[] = [];
  let missing = 0;
  for (const m of subs.arrivals) {
    for (const [id, sent] of responses) {
      const at = m.get(id);
      if (at === undefined) missing++;
      // an event may overtake the HTTP response that caused it: that is no delay
      else {
        ms.push(Math.max(0, at - sent));
        fromRequest.push(at - requested.get(id)!);
      }
    }
  }
  // with one writer (paced), responses come in commit order: every client must see that order
  const rank = new Map([...responses.entries()].sort((a, b) => a[1] - b[1]).map(([id], i) => [id, i]));
  let outOfOrder = 0;
  for (const order of subs.orders) {
    const seen = order.filter((id) => rank.has(id));
    for (let i = 1; i < seen.length; i++) if (ordered && rank.get(seen[i]!)! < rank.get(seen[i - 1]!)!) outOfOrder++;
  }
  return { ms: ms.sort((a, b) => a - b), fromRequest: fromRequest.sort((a, b) => a - b), missing, outOfOrder };
}

interface Delivery {
  /** from the mutation's response to the event at a client (0 when the event came first) */
  ms: number[];
  /** from the mutation's request to the event at a client */
  fromRequest: number[];
  missing: number;
  outOfOrder: number;
}

/** p50/p99 from the response, and p99 from the request */
const line = (r: Delivery) =>
  `p50 ${fmt(pct(r.ms, 50))}, p99 ${fmt(pct(r.ms, 99))} (from the request: p99 ${fmt(pct(r.fromRequest, 99))}; ${r.ms.length} deliveries, ${r.missing} missing${r.outOfOrder ? `, ${r.outOfOrder} OUT OF ORDER` : ""})`;

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// ---------------------------------------------------------------------------------------------

export async function benchSubscriptions(): Promise<void> {
  const db = await benchDatabase("subscriptions");
  const server = await startServer({ ORDO_DATABASE_URL: db.url });
  try {
    const runs = await createRuns(server.url, WRITERS + 1);
    // untimed warm-up of the write path, then the baseline: no subscriber at all
    await drive(server.url, runs, 1);
    const baseline = await drive(server.url, runs, SECONDS);

    const rssBefore = await server.rss();
    const subs = await subscribe(server.wsUrl, SUBSCRIBERS);
    await untilAllListening(server.url, runs[WRITERS]!, subs);
    const rssAfter = await server.rss();

    // BENCH_PROFILE=<file>: the server's CPU profile of this phase (open in Chrome DevTools)
    const profiled = process.env.BENCH_PROFILE ? await server.profile() : null;
    const loaded = await drive(server.url, runs, SECONDS);
    await profiled?.(process.env.BENCH_PROFILE!);
    const underLoad = await latencies(subs, loaded.responses);
    for (const m of subs.arrivals) m.clear();
    const quiet = await latencies(subs, await paced(server.url, runs[WRITERS]!, 20, 10), true);
    const errors = subs.errors.length;
    await subs.close();

    console.log(
      `subscriptions (${db.provider}, server in a child process, ${WRITERS} closed-loop writers, ${SECONDS} s per measurement):`,
    );
    console.log(`  state changes/s, 0 subscribers:         ${baseline.rate.toFixed(1)}`);
    console.log(`  state changes/s, ${SUBSCRIBERS} subscribers:     ${loaded.rate.toFixed(1)}`);
    console.log(`  ratio with/without subscribers:         ${(loaded.rate / baseline.rate).toFixed(2)}x`);
    console.log(`  delivery under that load:               ${line(underLoad)}`);
    console.log(`  delivery, 10 changes/s (paced):         ${line(quiet)}`);
    console.log(
      `  server RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MB → ${(rssAfter / 2 ** 20).toFixed(0)} MB = ${((rssAfter - rssBefore) / SUBSCRIBERS / 1024).toFixed(1)} KB per subscriber${errors ? `; ${errors} subscription errors` : ""}`,
    );
  } finally {
    await server.stop();
    await db.drop();
  }
}

export async function benchRedisFanout(): Promise<void> {
  const db = await benchDatabase("redis-fanout");
  // both replicas must hold the database's key; a prefix of our own keeps other users of this Redis out
  const shared = {
    ORDO_DATABASE_URL: db.url,
    ORDO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ORDO_REDIS_URL: REDIS_URL,
    ORDO_REDIS_PREFIX: `ordo-bench-${process.pid}:`,
  };
  const a = await startServer(shared);
  const b = await startServer(shared);
  try {
    const runs = await createRuns(a.url, WRITERS + 1);
    const probe = runs[WRITERS]!;
    const measure = async (subs: Subscribers) => {
      await untilAllListening(a.url, probe, subs);
      const quiet = await latencies(subs, await paced(a.url, probe, 20, 10), true);
      for (const m of subs.arrivals) m.clear();
      const loaded = await drive(a.url, runs, SECONDS);
      const busy = await latencies(subs, loaded.responses);
      await subs.close();
      return { quiet, busy, rate: loaded.rate };
    };
    // baseline: subscribers on A, changes on A (the same Redis hop, but the replica is the writer)
    const single = await measure(await subscribe(a.wsUrl, REDIS_SUBSCRIBERS));
    const cross = await measure(await subscribe(b.wsUrl, REDIS_SUBSCRIBERS));

    console.log(
      `redis fan-out (${db.provider}, 2 replicas in child processes on one database and Redis, ${REDIS_SUBSCRIBERS} subscribers):`,
    );
    console.log(`  20 changes at 10/s, subscribers on A, changes on A (baseline): ${line(single.quiet)}`);
    console.log(`  20 changes at 10/s, subscribers on B, changes on A:            ${line(cross.quiet)}`);
    console.log(
      `  ${WRITERS} closed-loop writers ${SECONDS} s, subscribers on A (baseline): ${line(single.busy)}, ${single.rate.toFixed(0)} changes/s`,
    );
    console.log(
      `  ${WRITERS} closed-loop writers ${SECONDS} s, subscribers on B:            ${line(cross.busy)}, ${cross.rate.toFixed(0)} changes/s`,
    );
    console.log(
      `  ratio B/A p99: paced ${(pct(cross.quiet.ms, 99) / Math.max(pct(single.quiet.ms, 99), 0.1)).toFixed(1)}x, under load ${(pct(cross.busy.ms, 99) / Math.max(pct(single.busy.ms, 99), 0.1)).toFixed(1)}x`,
    );
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await db.drop();
  }
}
