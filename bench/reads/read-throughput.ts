// Read throughput of the HTTP GraphQL endpoint against a bare graphql-yoga hello world measured in
// the same run: (a) bare yoga `{ hello }`, (b) Ordo `{ __typename }` (HTTP, yoga, auth, limits),
// (c) Ordo `deployment(slug)` with two schedules (adds Prisma and SQLite), each with 20 connections
// as fast as they go; (d) bare yoga and the deployment read at a fixed 200 req/s for their latency
// (over 20 connections, and over 2).
//
// Each server is its own `node` process (Ordo exactly as `npm start` runs it: dist/src/main.js, so
// `npm run build` first), and autocannon runs in this process, so load generator and server never
// share an event loop. Only one server is up at a time. Every response is compared with the one
// fetched before the load (a GraphQL error answered with 200 counts as a mismatch).
//
// Besides req/s and latency (both move with whatever else the machine runs), each row gives the
// server's CPU time per request, read from /proc, and its ratio to the baseline's.
//
// BENCH_READS_SECONDS (default 5) per measurement, after a 2 s warm-up; ORDO_BENCH_DATABASE_URL
// runs Ordo on PostgreSQL; BENCH_READS_CPU_PROF=<dir> writes a V8 CPU profile of the Ordo server
// (node --cpu-prof) into <dir> when it stops; BENCH_READS_ORDO_ROOT=<checkout> runs that build of
// Ordo instead (an older commit, for a before/after comparison).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { benchDatabase } from "../bench-database.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.BENCH_READS_SECONDS ?? 5);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 20;
const FIXED_RATE = 200;
/** autocannon paces each connection on its own timer, and 20 of them tend to fire together: a
 *  burst of 20 every 100 ms, so the last answer waits for the 19 before it. 2 connections show
 *  the latency of the same rate arriving more evenly. */
const FIXED_RATE_CONNECTIONS = [CONNECTIONS, 2];

const HELLO = "{ hello }";
const TYPENAME = "{ __typename }";
const DEPLOYMENT = `query($slug: String!) { deployment(slug: $slug) { id name tags parameters schedules { id } } }`;
const SLUG = "bench-reads/hot";

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** the server process's CPU time per request (Linux /proc; NaN elsewhere): steadier than req/s on a busy machine */
  cpuUs: number;
  /** connection errors, non-2xx answers and bodies that differ from the expected one */
  failures: number;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
  expected: string;
}

interface Child {
  url: string;
  /** CPU time the process has used so far, in µs (NaN without /proc) */
  cpuUs(): number;
  stop(): Promise<void>;
}

export async function benchReads(): Promise<void> {
  const main = path.join(path.resolve(process.env.BENCH_READS_ORDO_ROOT ?? ROOT), "dist/src/main.js");
  if (!existsSync(main)) throw new Error("bench/reads runs the built server: `npm run build` first");

  const bare = await startChild(process.execPath, [path.join(import.meta.dirname, "bare-yoga.mjs")], {});
  let hello: Figures;
  let helloFixed: Figures[];
  try {
    const target = await prepare(bare.url, {}, HELLO);
    hello = await measure(bare, target, {});
    helloFixed = [];
    for (const connections of FIXED_RATE_CONNECTIONS)
      helloFixed.push(await measure(bare, target, { overallRate: FIXED_RATE, connections }));
  } finally {
    await bare.stop();
  }

  const db = await benchDatabase("reads");
  const home = await mkdtemp(path.join(os.tmpdir(), "ordo-bench-reads-"));
  try {
    const profile = process.env.BENCH_READS_CPU_PROF;
    const flags = profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profile)}`] : [];
    const ordo = await startChild(process.execPath, [...flags, main], {
      ORDO_DATABASE_URL: db.url,
      ORDO_HOME: home,
      ORDO_PORT: "0",
      ORDO_GRAPHIQL: "false",
    });
    try {
      // what a local client does: the admin key the server wrote into its home
      const key = (await readFile(path.join(home, "api-key"), "utf8")).trim();
      const headers = { authorization: `Bearer ${key}` };
      await seed(ordo.url, headers);
      const typename = await measure(ordo, await prepare(ordo.url, headers, TYPENAME), {});
      const deploymentTarget = await prepare(ordo.url, headers, DEPLOYMENT, { slug: SLUG });
      const deployment = await measure(ordo, deploymentTarget, {});
      const deploymentFixed: Figures[] = [];
      for (const connections of FIXED_RATE_CONNECTIONS)
        deploymentFixed.push(await measure(ordo, deploymentTarget, { overallRate: FIXED_RATE, connections }));

      const figures = (f: Figures) =>
        `${f.rps.toFixed(0).padStart(6)} req/s  p50 ${f.p50.toFixed(0).padStart(3)} ms  p99 ${f.p99.toFixed(0).padStart(4)} ms  server CPU ${f.cpuUs.toFixed(0).padStart(5)} µs/req`;
      const row = (name: string, f: Figures) =>
        `  ${name.padEnd(44)} ${figures(f)}  ratio ${(f.rps / hello.rps).toFixed(2)} (CPU ${(hello.cpuUs / f.cpuUs).toFixed(2)})${f.failures ? `  FAILURES ${f.failures}` : ""}`;
      const fixedRow = (name: string, f: Figures) =>
        `  ${name.padEnd(44)} ${figures(f)}${f.failures ? `  FAILURES ${f.failures}` : ""}`;
      console.log(
        `HTTP GraphQL reads (${main}, ${db.provider}, ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s warm-up, servers in child processes):`,
      );
      console.log(row("bare graphql-yoga { hello } (baseline)", hello));
      console.log(row("ordo { __typename }", typename));
      console.log(row("ordo deployment(slug) { … schedules { id } }", deployment));
      FIXED_RATE_CONNECTIONS.forEach((connections, i) => {
        console.log(`at a fixed ${FIXED_RATE} req/s over ${connections} connections:`);
        console.log(fixedRow("bare graphql-yoga { hello } (baseline)", helloFixed[i]!));
        console.log(fixedRow("ordo deployment(slug)", deploymentFixed[i]!));
      });
    } finally {
      await ordo.stop();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
    await db.drop();
  }
}

/** A deployment with tags, parameters and two schedules, as `ordo deployment apply` would write it. */
async function seed(url: string, headers: Record<string, string>): Promise<void> {
  const res = await post(
    url,
    headers,
    JSON.stringify({
      query: `mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }`,
      variables: {
        input: {
          flowName: "bench-reads",
          name: "hot",
          tags: ["bench", "reads"],
          parameters: { name: "world", retries: 3, nested: { on: true } },
          schedules: [
            { slug: "hourly", schedule: { interval: { interval: 3600 } } },
            { slug: "nightly", schedule: { cron: { cron: "0 2 * * *", timezone: "Europe/Berlin" } } },
          ],
        },
      },
    }),
  );
  if (res.includes('"errors"')) throw new Error(`seeding the deployment failed: ${res}`);
}

/** The request and the exact answer it must keep getting. */
async function prepare(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Target> {
  const body = JSON.stringify({ query, variables });
  const expected = await post(url, headers, body);
  if (!expected.startsWith('{"data"') || expected.includes('"errors"'))
    throw new Error(`${query} answered ${expected}`);
  return { url, headers: { ...headers, "content-type": "application/json" }, body, expected };
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
  return res.text();
}

async function measure(
  server: Child,
  target: Target,
  opts: { overallRate?: number; connections?: number },
): Promise<Figures> {
  const base = {
    url: target.url,
    method: "POST" as const,
    headers: target.headers,
    body: target.body,
    connections: CONNECTIONS,
    expectBody: target.expected,
    ...opts,
    // autocannon's coordinated-omission correction assumes a 1 ms interval whatever the rate, and
    // would add made-up samples: the fixed-rate rows report the response times as measured
    ignoreCoordinatedOmission: opts.overallRate !== undefined,
  };
  await autocannon({ ...base, duration: WARMUP_SECONDS });
  const cpu = server.cpuUs();
  const r = await autocannon({ ...base, duration: SECONDS });
  const cpuUs = (server.cpuUs() - cpu) / r.requests.total;
  return {
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUs,
    failures: r.errors + r.non2xx + r.mismatches,
  };
}

/** A server process; resolves once it prints "ready at <url>", and stop() waits for its exit. */
async function startChild(command: string, args: string[], env: Record<string, string>): Promise<Child> {
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.homedir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /ready at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready:\n${out}`));
    });
  }).catch((e: unknown) => {
    child.kill("SIGKILL");
    throw e;
  });
  const ticksPerUs = 100 / 1e6; // USER_HZ: 100 on Linux
  return {
    url,
    cpuUs() {
      try {
        // utime and stime are the 14th and 15th fields, after the parenthesised command name
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        return (Number(fields[11]) + Number(fields[12])) / ticksPerUs;
      } catch {
        return NaN;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
