// A PostgreSQL outage under load, with real processes (issue 12): the server's connections
// terminated, then the database refusing connections for ~10 s while a real worker holds a
// RUNNING run. Clients see SERVICE_UNAVAILABLE (HTTP 503) or success, never INTERNAL_SERVER_ERROR;
// the CLI waits the outage out; the worker keeps its run, which ends COMPLETED, not CRASHED; every
// run the server acknowledged is there afterwards. PostgreSQL only; only the test's own database
// is touched.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ordo } from "../harness/cli.js";
import { flowStorageBlock, killRunJobs, startLiveServer, type LiveServer } from "../harness/live-server.js";
import { adminHeaders, localAdminKey } from "../harness/server-homes.js";
import { adminUrl } from "../harness/test-database.js";
import { eventually } from "../harness/eventually.js";
import { WorkerProcess } from "../harness/worker-process.js";
import { graphql } from "../harness/documents.js";

const OUTAGE_MS = 10_000;
/** Real processes on a shared 2-core machine: the executor compiles TypeScript on start. */
const TIMEOUT_MS = 90_000;

let server: LiveServer;
let admin: pg.Client;
let dbName: string;
let store: string;
let gates: string;
let worker: WorkerProcess;
let gatedId: string;
const runIds: string[] = [];

/** Kills every session of the test's own database (not the admin's). */
const terminate = () =>
  admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
    dbName,
  ]);
const allowConnections = (allow: boolean) => admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS ${allow}`);

beforeAll(async () => {
  if (inject("provider") !== "postgresql") return;
  server = await startLiveServer({ ORDO_SERVICES: "true", ORDO_LATE_RUNS_AFTER_SECONDS: "3600" });
  dbName = decodeURIComponent(new URL(server.databaseUrl).pathname.slice(1));
  admin = new pg.Client({ connectionString: adminUrl(server.databaseUrl) });
  await admin.connect();
  store = await flowStorageBlock(server, "outage-code");
  gates = await mkdtemp(path.join(os.tmpdir(), "ordo-gates-"));
  await server.ok(graphql(`mutation { createWorkPool(input: { name: "outage", type: "process" }) { id } }`));
  const d = await server.ok(
    graphql(`mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }`),
    {
      input: {
        flowName: "gated",
        name: "outage",
        workPoolName: "outage",
        storageBlock: "local-file-system/outage-code/flows",
        entrypoint: "lifecycle.ts:gated",
      },
    },
  );
  gatedId = d.applyDeployment.deployment.id;
  // runs no worker takes: what the load creates
  await server.ok(
    graphql(`mutation { applyDeployment(input: { flowName: "load", name: "d" }) { deployment { id } } }`),
  );
  worker = new WorkerProcess(server.url, ["--pool", "outage", "--poll-seconds", "1", "--run-heartbeat-seconds", "1"]);
}, 120_000);

afterAll(async () => {
  if (inject("provider") !== "postgresql") return;
  await allowConnections(true).catch(() => undefined);
  await admin?.end();
  await WorkerProcess.killAll();
  if (server) await killRunJobs(server, runIds);
  await server?.stop();
  for (const dir of [store, gates]) if (dir) await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  status: number;
  codes: string[];
  /** the id of a run the server said it created */
  created?: string;
  raw: string;
}

/** One client request over HTTP: alternately a read and a run created. */
async function call(i: number): Promise<Outcome> {
  const body =
    i % 2 === 0
      ? { query: `{ flowRuns(first: 5) { totalCount edges { node { id } } } }` }
      : {
          query: `mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`,
          variables: { input: { deploymentSlug: "load/d" } },
        };
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...adminHeaders(server.home) },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const json = JSON.parse(raw) as {
    data?: { createFlowRun?: { id: string } | null };
    errors?: Array<{ extensions?: { code?: string } }>;
  };
  return {
    status: res.status,
    codes: (json.errors ?? []).map((e) => e.extensions?.code ?? "(none)"),
    created: json.data?.createFlowRun?.id,
    raw,
  };
}

/** `clients` loops calling until stop() resolves; returns every outcome. `answered()`: how many so far. */
function load(clients: number): { answered: () => number; stop: () => Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = c; running; i++) {
      outcomes.push(await call(i));
      // pacing, not a wait: each client calls about 20 times a second
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    answered: () => outcomes.length,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** Every answer is data or SERVICE_UNAVAILABLE with HTTP 503, nothing internal leaks; returns the count of each. */
function check(outcomes: Outcome[]): { ok: number; unavailable: number } {
  for (const o of outcomes) {
    if (o.codes.length === 0) {
      expect(o.status, o.raw).toBe(200);
      continue;
    }
    expect(o.codes, o.raw).toEqual(["SERVICE_UNAVAILABLE"]);
    expect(o.status, o.raw).toBe(503);
    // yoga strips extensions.http from the body; no SQL or driver text
    expect(o.raw).not.toMatch(/"http"|administrator|accepting connections|terminat|Prisma|57P01/i);
  }
  return {
    ok: outcomes.filter((o) => o.codes.length === 0).length,
    unavailable: outcomes.filter((o) => o.codes.length > 0).length,
  };
}

/** Every run the server acknowledged exists. */
async function expectAcknowledgedRuns(outcomes: Outcome[]): Promise<void> {
  const ids = outcomes.flatMap((o) => (o.created ? [o.created] : []));
  for (let i = 0; i < ids.length; i += 10) {
    const found = await Promise.all(
      ids
        .slice(i, i + 10)
        .map(
          async (id) => (await server.ok(graphql(`query($id: ID!) { flowRun(id: $id) { id } }`), { id })).flowRun?.id,
        ),
    );
    expect(found).toEqual(ids.slice(i, i + 10));
  }
}

/** The close code of a graphql-ws connection whose connection_init carries `key` (the admin key by default). */
function wsCloseCode(key = localAdminKey(server.home)): Promise<number> {
  const ws = new WebSocket(server.url.replace(/^http/, "ws"), "graphql-transport-ws");
  ws.on("open", () =>
    ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${key}` } })),
  );
  // acknowledged: the key was checked, so the database answered
  ws.on("message", (m) => JSON.parse(String(m)).type === "connection_ack" && ws.close(1000));
  return new Promise((resolve) => ws.on("close", (code) => resolve(code)));
}

describe.runIf(inject("provider") === "postgresql")("a PostgreSQL outage mid-load", () => {
  it(
    "terminated connections: clients get SERVICE_UNAVAILABLE or data, never INTERNAL_SERVER_ERROR, and the pool recovers",
    async () => {
      const l = load(4);
      // the load answered between terminations and after the last: requests met each loss, and the pool after it
      const moreAnswers = async (n: number) => {
        const seen = l.answered();
        await eventually(() => l.answered() >= seen + n, { timeoutMs: 30_000, what: `${n} more answers to the load` });
      };
      for (let i = 0; i < 3; i++) {
        await moreAnswers(8);
        await terminate();
      }
      await moreAnswers(8);
      const outcomes = await l.stop();
      const { ok } = check(outcomes);
      expect(ok).toBeGreaterThan(0);
      expect(outcomes.some((o) => o.created)).toBe(true);
      // the pool did not lose its connections to the terminated transactions: everything still answers
      const after = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i)));
      expect(after.map((o) => o.codes)).toEqual(after.map(() => []));
      await expectAcknowledgedRuns(outcomes);
      expect(server.process.output()).not.toMatch(/internal error/);
    },
    TIMEOUT_MS,
  );

  it(
    "unreachable for 10 s while a worker runs a flow: the run completes, the CLI waits, nothing acknowledged is lost",
    async () => {
      const gate = path.join(gates, "open");
      const run = await server.ok(
        graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id name } }`),
        { input: { deploymentId: gatedId, parameters: { gate } } },
      );
      runIds.push(run.createFlowRun.id);
      await worker.waitForLine(new RegExp(`^\\[${run.createFlowRun.name}\\] .*waiting for the gate`), TIMEOUT_MS);
      await eventually(
        async () =>
          (
            await server.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType infrastructurePid } }`), {
              id: run.createFlowRun.id,
            })
          ).flowRun.infrastructurePid,
        { timeoutMs: TIMEOUT_MS, what: "the run's job recorded" },
      );

      // a key never used yet: the server has not remembered it (it remembers a good key for a
      // second), so it must ask the database
      const fresh = (
        await server.ok(graphql(`mutation { createApiKey(input: { name: "outage-reader", scopes: [READ] }) { key } }`))
      ).createApiKey.key as string;
      const l = load(3);
      await allowConnections(false);
      await terminate();
      const down = Date.now();
      // a command started during the outage waits it out (it retries for 30 s)
      const cli = ordo(server.url, ["flow-run", "ls", "--deployment", "load/d"], { timeoutMs: 60_000 });
      // a subscription socket cannot have its key checked: "try again later" (1013, retried), not 4403
      expect(await wsCloseCode(fresh)).toBe(1013);
      // deliberate pauses, not waits: the outage's length is the scenario (~10 s of refused connections,
      // checked below as up - down), with the gate opened halfway through
      await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
      // the flow finishes while the database is away: the executor must keep proposing COMPLETED
      await writeFile(gate, "");
      await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
      const during = [...(await l.stop())];
      await allowConnections(true);
      const up = Date.now();

      const { unavailable } = check(during);
      expect(unavailable).toBeGreaterThan(0);
      await expectAcknowledgedRuns(during);
      expect(await wsCloseCode()).toBe(1000);
      const listed = await cli;
      expect(listed.code, listed.stderr).toBe(0);

      const final = await eventually(
        async () => {
          const v = (
            await server.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType states { type } } }`), {
              id: run.createFlowRun.id,
            })
          ).flowRun;
          return ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(v.stateType) && v;
        },
        { timeoutMs: TIMEOUT_MS, what: "the run to finish" },
      );
      expect(final.states.map((s: { type: string }) => s.type)).toEqual([
        "SCHEDULED",
        "PENDING",
        "RUNNING",
        "COMPLETED",
      ]);
      expect(up - down).toBeGreaterThanOrEqual(OUTAGE_MS);
      // the worker noticed, kept going, and is still there
      expect(worker.output).toMatch(/cannot reach its database; retrying with backoff/);
      expect(worker.output).not.toMatch(/CRASHED/);
      expect(server.process.output()).not.toMatch(/internal error/);
      expect(server.process.output()).toMatch(/database unavailable: \d+ operation\(s\) answered SERVICE_UNAVAILABLE/);
    },
    TIMEOUT_MS * 2,
  );
});
