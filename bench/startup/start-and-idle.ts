// Start-up and idle memory: `npm start` (node dist/src/main.js, SQLite, zero configuration) timed
// from spawn to its first GraphQL answer, on a new database (migrations applied) and on one
// already migrated, and its resident memory after it has sat idle; next to a bare graphql-yoga
// hello-world server measured the same way in the same run.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5);
const IDLE_MS = Number(process.env.BENCH_STARTUP_IDLE_MS ?? 5000);

// the baseline: graphql-yoga's hello world, the smallest server of the same stack
const BARE_YOGA = `
const { createServer } = require("node:http");
const { createYoga, createSchema } = require("graphql-yoga");
const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "world" } } }) });
createServer(yoga).listen(Number(process.env.PORT), "127.0.0.1");
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until the server answers a GraphQL request; ms since `t0`. Gives up after 30 s. */
async function firstAnswer(port: number, t0: number, child: ChildProcess, keyFile?: string): Promise<number> {
  const deadline = t0 + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        // Ordo writes its local admin key before it listens: an answer is an authorized one
        headers: {
          "content-type": "application/json",
          ...(keyFile && existsSync(keyFile)
            ? { authorization: `Bearer ${readFileSync(keyFile, "utf8").trim()}` }
            : {}),
        },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      if (res.ok) {
        await res.text();
        return performance.now() - t0;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no answer within 30 s");
}

const rssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
};

interface Started {
  ms: number;
  child: ChildProcess;
}

async function start(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Started> {
  const keyFile = env.ORDO_HOME ? path.join(env.ORDO_HOME, "api-key") : undefined;
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: "ignore" });
  try {
    return { ms: await firstAnswer(port, t0, child, keyFile), child };
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartup(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), "ordo-bench-startup-"));
  const ordoEnv = (port: number, db: string): NodeJS.ProcessEnv => ({
    ...process.env,
    ORDO_HOME: home,
    ORDO_PORT: String(port),
    ORDO_DATABASE_URL: `file:${path.join(home, db)}`,
    ORDO_LOG_LEVEL: "error",
  });
  const fresh: number[] = [];
  const migrated: number[] = [];
  const bare: number[] = [];
  let ordoRss = NaN;
  let bareRss = NaN;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      // alternating the two keeps a noisy neighbour from landing on one side only
      let port = await freePort();
      let s = await start(["dist/src/main.js"], ordoEnv(port, `new-${i}.db`), port);
      fresh.push(s.ms);
      await stop(s.child);
      port = await freePort();
      s = await start(["dist/src/main.js"], ordoEnv(port, `new-${i}.db`), port);
      migrated.push(s.ms);
      if (i === ROUNDS - 1) {
        await new Promise((r) => setTimeout(r, IDLE_MS));
        ordoRss = rssMb(s.child.pid!);
      }
      await stop(s.child);
      port = await freePort();
      s = await start(["-e", BARE_YOGA], process.env, port);
      bare.push(s.ms);
      if (i === ROUNDS - 1) {
        await new Promise((r) => setTimeout(r, IDLE_MS));
        bareRss = rssMb(s.child.pid!);
      }
      await stop(s.child);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  console.log(`start-up to first answer (median of ${ROUNDS}; SQLite, node dist/src/main.js):`);
  console.log(`  new database (migrations applied):   ${median(fresh).toFixed(0)} ms`);
  console.log(`  migrated database:                   ${median(migrated).toFixed(0)} ms   (goal < 1500 ms)`);
  console.log(
    `  bare graphql-yoga hello world:       ${median(bare).toFixed(0)} ms   ratio ordo/bare ${(median(migrated) / median(bare)).toFixed(1)}x`,
  );
  console.log(`idle resident memory after ${IDLE_MS / 1000} s:`);
  console.log(`  ordo: ${ordoRss.toFixed(0)} MB (goal < 150 MB); bare graphql-yoga: ${bareRss.toFixed(0)} MB`);
}
