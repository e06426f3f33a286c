// Crash recovery with real processes (issue 5 acceptance): when a worker's machine dies mid-run
// (worker and job SIGKILLed) the server's own lease loop marks the run CRASHED; when the server is
// SIGKILLed mid-run and restarted on the same database and port, the run completes, nothing lost.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processAlive } from "../../plugins/process/process-group.js";
import { flowStorageBlock, killRunJobs, startLiveServer, type LiveServer } from "../harness/live-server.js";
import { eventually } from "../harness/eventually.js";
import { killGroup, WorkerProcess } from "../harness/worker-process.js";
import { graphql } from "../harness/documents.js";

/** Short enough to see it expire in a test, long enough that a busy machine's workers keep it. */
const LEASE_SECONDS = 6;
/** Real processes on a shared 2-core machine: the executor alone compiles TypeScript on start. */
const TIMEOUT_MS = 90_000;

interface RunView {
  id: string;
  name: string;
  stateType: string;
  lastHeartbeat: string | null;
  infrastructurePid: string | null;
  runCount: number;
  state: { message: string | null; data: unknown };
  states: Array<{ type: string; name: string; timestamp: string; message: string | null }>;
}

let server: LiveServer;
let store: string;
let gates: string;
const runIds: string[] = [];

beforeAll(async () => {
  server = await startLiveServer({
    // services on, as `npm start` runs them: the lease loop every second with a short lease
    ORDO_SERVICES: "true",
    ORDO_RUN_LEASE_SECONDS: String(LEASE_SECONDS),
    ORDO_LEASE_LOOP_SECONDS: "1",
    // a run a busy machine claims slowly must not pick up a Late label on the way
    ORDO_LATE_RUNS_AFTER_SECONDS: "3600",
  });
  store = await flowStorageBlock(server, "crash-code");
  gates = await mkdtemp(path.join(os.tmpdir(), "ordo-gates-"));
}, 120_000);

afterAll(async () => {
  await WorkerProcess.killAll();
  if (server) await killRunJobs(server, runIds);
  await server?.stop();
  for (const dir of [store, gates]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** A process pool, a deployment of the gated flow on it, and a worker renewing leases every second. */
async function gatedDeployment(pool: string): Promise<{ deploymentId: string; worker: WorkerProcess }> {
  await server.ok(graphql(`mutation($input: WorkPoolInput!) { createWorkPool(input: $input) { id } }`), {
    input: { name: pool, type: "process" },
  });
  const d = await server.ok(
    graphql(`mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }`),
    {
      input: {
        flowName: "gated",
        name: pool,
        workPoolName: pool,
        storageBlock: "local-file-system/crash-code/flows",
        entrypoint: "lifecycle.ts:gated",
      },
    },
  );
  const worker = new WorkerProcess(server.url, ["--pool", pool, "--poll-seconds", "1", "--run-heartbeat-seconds", "1"]);
  return { deploymentId: d.applyDeployment.deployment.id, worker };
}

async function createRun(deploymentId: string, gate: string): Promise<{ id: string; name: string }> {
  const r = await server.ok(
    graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id name } }`),
    {
      input: { deploymentId, parameters: { gate } },
    },
  );
  runIds.push(r.createFlowRun.id);
  return r.createFlowRun;
}

async function view(id: string): Promise<RunView> {
  const r = await server.ok(
    graphql(
      `query($id: ID!) { flowRun(id: $id) { id name stateType lastHeartbeat infrastructurePid runCount state { message data } states { type name timestamp message } } }`,
    ),
    { id },
  );
  return r.flowRun;
}

/** Running the flow's code: RUNNING, its job recorded, and the flow's first line printed. */
async function runningFlow(run: { id: string; name: string }, worker: WorkerProcess): Promise<RunView> {
  await worker.waitForLine(new RegExp(`^\\[${run.name}\\] .*waiting for the gate`), TIMEOUT_MS);
  return eventually(
    async () => {
      const v = await view(run.id);
      return v.stateType === "RUNNING" && v.infrastructurePid !== null && v.lastHeartbeat !== null && v;
    },
    { timeoutMs: TIMEOUT_MS, what: `run ${run.name} RUNNING with its job recorded` },
  );
}

const typesOf = (v: RunView) => v.states.map((s) => s.type);
const pidOf = (v: RunView) => Number(v.infrastructurePid!.split(":")[1]);

describe("crash recovery", () => {
  it("a run whose worker and job die with SIGKILL becomes CRASHED through the server's lease loop", async () => {
    const { deploymentId, worker } = await gatedDeployment("kill-worker");
    const run = await createRun(deploymentId, path.join(gates, "never-opened"));
    const running = await runningFlow(run, worker);

    // while the worker lives the loop leaves the run alone: it is still RUNNING with heartbeats
    // spanning two leases (a loop crashing live runs would end it here)
    const since = Date.parse(running.states.at(-1)!.timestamp);
    await eventually(
      async () => {
        const v = await view(run.id);
        if (v.stateType !== "RUNNING")
          throw new Error(`the run left RUNNING while its worker lived: ${JSON.stringify(v.states)}`);
        return Date.parse(v.lastHeartbeat!) - since > 2 * LEASE_SECONDS * 1000;
      },
      { timeoutMs: TIMEOUT_MS, what: "heartbeats spanning two leases" },
    );

    // the machine dies: the worker and the job's process group, with no word to the server
    worker.signal("SIGKILL");
    killGroup(pidOf(running));
    expect((await worker.exited).signal).toBe("SIGKILL");
    await eventually(async () => !(await processAlive(pidOf(running))), { timeoutMs: 10_000, what: "the job gone" });

    const crashed = await eventually(
      async () => {
        const v = await view(run.id);
        return v.stateType !== "RUNNING" && v;
      },
      { timeoutMs: TIMEOUT_MS, what: "the run to leave RUNNING" },
    );
    expect(typesOf(crashed)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "CRASHED"]);
    // the lease loop's verdict (the dead worker could not have reported it), and not before the lease ran out
    expect(crashed.state.message).toBe(
      `No heartbeat from the run's worker or executor for ${LEASE_SECONDS} s: its infrastructure is presumed gone.`,
    );
    expect(Date.parse(crashed.states.at(-1)!.timestamp) - Date.parse(crashed.lastHeartbeat!)).toBeGreaterThanOrEqual(
      LEASE_SECONDS * 1000,
    );
    // logged once the loop's pass is over, which may be just after the state is visible
    await eventually(async () => /run leases: 1 crashed/.test(server.process.output()), {
      timeoutMs: 10_000,
      what: "the lease loop's log line",
    });
  }, 240_000);

  it("a server killed with SIGKILL mid-run restarts on the same database and port, and the run completes with nothing lost", async () => {
    const { deploymentId, worker } = await gatedDeployment("kill-server");
    const gate = path.join(gates, "restart");
    const run = await createRun(deploymentId, gate);
    await runningFlow(run, worker);
    const countRuns = async () =>
      (await server.ok(graphql(`{ flowRuns { totalCount } }`))).flowRuns.totalCount as number;
    const runsBefore = await countRuns();
    const portBefore = server.port;

    await server.kill();
    // no heartbeat can be stored after this: the run's last one is at most this old from here on
    const down = Date.now();
    await worker.waitForLine(/server unreachable/, TIMEOUT_MS);
    // down for longer than a lease, so the restarted server finds the run's heartbeat stale and must
    // not blame the run for its own absence. The server is another process on the real clock: real
    // time has to pass, but only until the lease is out (counted from the kill), not a fixed pause.
    const staleAt = down + (LEASE_SECONDS + 2) * 1000;
    await eventually(() => Date.now() >= staleAt, {
      timeoutMs: (LEASE_SECONDS + 5) * 1000,
      what: "the run's last heartbeat to be older than a lease",
      intervalMs: 250,
    });
    await server.restart();
    expect(new URL(server.url).port).toBe(String(portBefore));

    await writeFile(gate, "open");
    const done = await eventually(
      async () => {
        const v = await view(run.id);
        return !["PENDING", "RUNNING"].includes(v.stateType) && v;
      },
      { timeoutMs: TIMEOUT_MS, what: "the run to finish" },
    );
    expect(typesOf(done)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    const stamps = done.states.map((s) => Date.parse(s.timestamp));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(done).toMatchObject({ runCount: 1, state: { data: { opened: gate } } });
    expect(await countRuns()).toBe(runsBefore);
    await worker.waitForLine(/server reachable again/, TIMEOUT_MS);

    // logs shipped before the kill and after the restart, once the executor has exited
    await worker.waitForLine(new RegExp(`${run.name}: infrastructure exited with code 0$`), TIMEOUT_MS);
    const logs = (
      await server.ok(
        graphql(`query($id: ID!) { logs(flowRunId: $id, first: 200) { edges { node { name message } } } }`),
        {
          id: run.id,
        },
      )
    ).logs.edges.map((e: { node: { name: string; message: string } }) => e.node);
    expect(logs).toContainEqual({ name: "ordo.flow_runs", message: `waiting for the gate ${gate}` });
    expect(logs).toContainEqual({ name: "ordo.flow_runs", message: "the gate is open" });
  }, 240_000);
});
