// The worker as a real process against a real server: claims, its limit, crashes, cancellation of
// a process tree, graceful shutdown, kill -9 and a server restart. Pools run the stand-in job in
// test/fixtures/worker/job.mjs (not the executor), steered per pool or run through env job variables.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { processAlive } from "../../plugins/process/process-group.js";
import { sameKeyAs } from "../harness/same-key.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { eventually } from "../harness/eventually.js";
import { killGroup, WorkerProcess } from "../harness/worker-process.js";
import { graphql } from "../harness/documents.js";
import type { StateType } from "../harness/generated/graphql.js";

const JOB = path.resolve(import.meta.dirname, "../fixtures/worker/job.mjs");
const TERMINAL = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"];

interface RunView {
  id: string;
  name: string;
  stateType: string;
  infrastructurePid: string | null;
  lastHeartbeat: string | null;
  states: Array<{ type: string; message: string | null; timestamp: string }>;
}

let t: TestApp;
let url: string;
let port: number;
let pids: string;
const created: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  ({ url, port } = await t.app.start());
  pids = await mkdtemp(path.join(os.tmpdir(), "ordo-worker-test-"));
});

// a test's workers do not outlive it (their noise would reach the next test's server restart)
afterEach(() => WorkerProcess.killAll());

afterAll(async () => {
  await WorkerProcess.killAll();
  // jobs run in their own process groups and outlive a SIGKILLed worker
  for (const id of created) {
    const run = await view(id).catch(() => null);
    const pid = Number(run?.infrastructurePid?.split(":")[1]);
    if (pid > 1) killGroup(pid);
  }
  await t.close();
  await rm(pids, { recursive: true, force: true });
});

/** A process pool running the stand-in job with `env` as the default env variables, and a deployment on it. */
async function poolWithDeployment(
  name: string,
  env: Record<string, string>,
  jobConfiguration: Record<string, unknown> = {},
) {
  const baseJobTemplate = {
    job_configuration: { command: [process.execPath, JOB], env: "{{ env }}", ...jobConfiguration },
    variables: {
      type: "object",
      properties: {
        env: { type: "object", additionalProperties: { type: "string" }, default: { JOB_PIDS_DIR: pids, ...env } },
      },
    },
  };
  await t.ok(graphql(`mutation($input: WorkPoolInput!) { createWorkPool(input: $input) { id } }`), {
    input: { name, type: "process", baseJobTemplate },
  });
  const d = await t.ok(
    graphql(`mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }`),
    {
      input: { flowName: "worker-test", name, workPoolName: name },
    },
  );
  return d.applyDeployment.deployment.id as string;
}

async function createRun(
  deploymentId: string,
  env: Record<string, string> = {},
): Promise<{ id: string; name: string }> {
  const r = await t.ok(graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id name } }`), {
    input: { deploymentId, jobVariables: { env } },
  });
  created.push(r.createFlowRun.id);
  return r.createFlowRun;
}

async function view(id: string): Promise<RunView> {
  const r = await t.ok(
    graphql(
      `query($id: ID!) { flowRun(id: $id) { id name stateType infrastructurePid lastHeartbeat states { type message timestamp } } }`,
    ),
    { id },
  );
  return r.flowRun;
}

const reaches = (id: string, types: string[], timeoutMs = 20_000) =>
  eventually(
    async () => {
      const r = await view(id);
      return types.includes(r.stateType) && r;
    },
    { timeoutMs, what: `run ${id} in ${types.join("/")}` },
  );

const propose = (flowRunId: string, type: StateType) =>
  t.ok(graphql(`mutation($input: SetFlowRunStateInput!) { setFlowRunState(input: $input) { status } }`), {
    input: { flowRunId, state: { type } },
  });

const startWorker = (pool: string, ...args: string[]) =>
  new WorkerProcess(url, ["--pool", pool, "--poll-seconds", "1", "--run-heartbeat-seconds", "1", ...args]);

const pidOf = (run: RunView) => Number(run.infrastructurePid!.split(":")[1]);

describe("ordo worker start", () => {
  it("claims a run when the pool's subscription says one is due, runs the job with the pool's job configuration, records its pid", async () => {
    const deploymentId = await poolWithDeployment("w-happy", { JOB_MODE: "complete", JOB_SECONDS: "0.3" });
    // polls only every 60 s: after its first claim, only the subscription can wake it in time
    const worker = startWorker("w-happy", "--poll-seconds", "60");
    await eventually(
      async () =>
        (await t.ok(graphql(`{ workPool(name: "w-happy") { queues { lastPolled } } }`))).workPool.queues[0]?.lastPolled,
      { timeoutMs: 20_000, what: "first claim" },
    );
    let run: { id: string; name: string } | undefined;
    // the subscription registers asynchronously: a run created before it did waits for the next poll, so create another
    await eventually(
      async () => {
        run = await createRun(deploymentId);
        return (await reaches(run.id, ["COMPLETED"], 3_000).catch(() => null)) !== null;
      },
      { timeoutMs: 20_000, what: "a run claimed through the subscription" },
    );
    const done = await view(run!.id);
    expect(done.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    expect(done.infrastructurePid).toMatch(new RegExp(`^${os.hostname()}:\\d+$`));
    await worker.waitForLine(new RegExp(`^\\[${run!.name}\\] hello from ${run!.id} \\(pid ${pidOf(done)}\\)$`));
    expect(worker.output).not.toMatch(/ERROR/);
  });

  it("never runs more than --limit runs at once", async () => {
    const deploymentId = await poolWithDeployment("w-limit", { JOB_MODE: "complete", JOB_SECONDS: "0.8" });
    const runs = await Promise.all(Array.from({ length: 5 }, () => createRun(deploymentId)));
    startWorker("w-limit", "--limit", "2");
    const views = await Promise.all(runs.map((r) => reaches(r.id, ["COMPLETED"], 25_000)));
    // from the server's own history: each run holds a slot from PENDING until its terminal state
    const spans = views.map((v) => {
      const at = (types: string[]) => Date.parse(v.states.find((s) => types.includes(s.type))!.timestamp);
      return [at(["PENDING"]), at(TERMINAL)] as const;
    });
    const overlap = spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length);
    expect(Math.max(...overlap)).toBe(2);
  });

  it("reports CRASHED, with the exit code, a job that exits without reporting, and one that cannot start; neither keeps its slot", async () => {
    const crashing = await poolWithDeployment("w-crash", { JOB_MODE: "crash" });
    const broken = await poolWithDeployment("w-broken", {}, { workingDirectory: "/tmp" }); // not a process block field
    const runs = [await createRun(crashing), await createRun(crashing), await createRun(crashing)];
    const unstartable = [await createRun(broken), await createRun(broken)];
    startWorker("w-crash", "--limit", "1");
    startWorker("w-broken", "--limit", "1");
    for (const r of runs) {
      const v = await reaches(r.id, TERMINAL);
      expect(v.stateType).toBe("CRASHED");
      expect(v.states.at(-1)!.message).toBe(
        "flow run infrastructure exited with code 3 without reporting a final state",
      );
    }
    for (const r of unstartable) {
      const v = await reaches(r.id, TERMINAL);
      expect(v.stateType).toBe("CRASHED");
      expect(v.states.at(-1)!.message).toMatch(/^the worker could not start its infrastructure: .*workingDirectory/);
    }
  });

  it("kills the whole process tree of a cancelled run and reports it CANCELLED", async () => {
    const deploymentId = await poolWithDeployment("w-cancel", { JOB_MODE: "family" });
    const worker = startWorker("w-cancel", "--kill-grace", "1");
    const run = await createRun(deploymentId);
    await eventually(
      async () => (await view(run.id)).infrastructurePid !== null && (await reaches(run.id, ["RUNNING"])),
    );
    const family = JSON.parse(
      await eventually(() => readFile(path.join(pids, `${run.id}.json`), "utf8").catch(() => null)),
    ) as { child: number; grandchild: number };
    expect(await processAlive(family.grandchild)).toBe(true);
    expect(pidOf(await view(run.id))).toBe(family.child);

    expect((await propose(run.id, "CANCELLING")).setFlowRunState.status).toBe("ACCEPT");
    const v = await reaches(run.id, ["CANCELLED"]);
    expect(v.states.map((s) => s.type).slice(-2)).toEqual(["CANCELLING", "CANCELLED"]);
    expect(await processAlive(family.child)).toBe(false);
    // it ignores SIGTERM: only the SIGKILL after the grace, sent to the group, ends it
    expect(await processAlive(family.grandchild)).toBe(false);
    await worker.waitForLine(/cancellation requested/);
    await worker.waitForLine(/still running 1s after SIGTERM, sending SIGKILL/);
  });

  it("without the subscription, still claims by polling and learns of a cancellation from the run heartbeat", async () => {
    const deploymentId = await poolWithDeployment("w-poll", { JOB_MODE: "sleep" });
    const worker = startWorker("w-poll", "--no-events", "--kill-grace", "1");
    await worker.waitForLine(/polling only/);
    const run = await createRun(deploymentId);
    const running = await eventually(
      async () => (await view(run.id)).infrastructurePid !== null && (await reaches(run.id, ["RUNNING"])),
    );
    expect((await propose(run.id, "CANCELLING")).setFlowRunState.status).toBe("ACCEPT");
    await reaches(run.id, ["CANCELLED"]);
    expect(await processAlive(pidOf(running))).toBe(false);
  });

  it("refuses to start for a pool that does not exist", async () => {
    const worker = startWorker("w-nowhere");
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.output).toContain('ordo: no work pool named "w-nowhere"');
  });

  it("on SIGTERM stops claiming, lets a run finish within the grace, kills the other and reports it CRASHED, and exits 0", async () => {
    const deploymentId = await poolWithDeployment("w-stop", { JOB_MODE: "complete" });
    const worker = startWorker("w-stop", "--shutdown-grace", "4", "--kill-grace", "1");
    const finishing = await createRun(deploymentId, { JOB_SECONDS: "1.5" });
    const endless = await createRun(deploymentId, { JOB_MODE: "sleep" });
    await reaches(finishing.id, ["RUNNING", "COMPLETED"]);
    const running = await reaches(endless.id, ["RUNNING"]);
    worker.signal("SIGTERM");
    const late = await createRun(deploymentId); // must stay unclaimed

    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect((await view(finishing.id)).stateType).toBe("COMPLETED");
    const crashed = await view(endless.id);
    expect(crashed.stateType).toBe("CRASHED");
    expect(crashed.states.at(-1)!.message).toBe("worker shut down before the run finished");
    expect(await processAlive(pidOf(running))).toBe(false);
    expect((await view(late.id)).stateType).toBe("SCHEDULED");
  });

  it("keeps its runs through a server restart: heartbeats resume, the run completes, new runs are claimed", async () => {
    const deploymentId = await poolWithDeployment("w-restart", { JOB_MODE: "complete", JOB_SECONDS: "3" });
    const worker = startWorker("w-restart");
    const before = await createRun(deploymentId);
    await reaches(before.id, ["RUNNING"]);
    await t.close();
    await worker.waitForLine(/server unreachable/);
    t = await createTestApp({ databaseUrl: t.databaseUrl, port, ...sameKeyAs(t) });
    await t.app.start();

    const v = await reaches(before.id, ["COMPLETED"]);
    expect(v.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    const after = await createRun(deploymentId, { JOB_SECONDS: "0" });
    await reaches(after.id, ["COMPLETED"]);
    await worker.waitForLine(/server reachable again/);
    expect(worker.lines.filter((l) => /server unreachable/.test(l))).toHaveLength(1);
  });
});

describe("a worker killed with SIGKILL", () => {
  it("leaves its run RUNNING without heartbeats, for the server's lease to crash it", async () => {
    const deploymentId = await poolWithDeployment("w-kill9", { JOB_MODE: "sleep" });
    const worker = startWorker("w-kill9");
    const run = await createRun(deploymentId);
    // the same on another pool, whose worker lives on: the yardstick for "long enough to have beaten"
    const control = await createRun(await poolWithDeployment("w-kill9-alive", { JOB_MODE: "sleep" }));
    startWorker("w-kill9-alive");
    await reaches(run.id, ["RUNNING"]);
    await reaches(control.id, ["RUNNING"]);
    // the worker renews the lease while it lives
    const first = await eventually(async () => (await view(run.id)).lastHeartbeat);
    await eventually(async () => (await view(run.id)).lastHeartbeat !== first, {
      timeoutMs: 10_000,
      what: "a second heartbeat",
    });

    worker.signal("SIGKILL");
    await worker.exited;
    const silent = (await view(run.id)).lastHeartbeat;
    // silence is measured against a living worker, not a fixed pause: by the time the control run
    // has been heartbeated twice more, the killed worker's run would have been too, were anything renewing it
    const beats = new Set([(await view(control.id)).lastHeartbeat]);
    await eventually(async () => beats.add((await view(control.id)).lastHeartbeat).size > 2, {
      timeoutMs: 10_000,
      what: "two heartbeats of the living worker's run",
    });
    const after = await view(run.id);
    expect(after.stateType).toBe("RUNNING");
    expect(after.lastHeartbeat).toBe(silent);

    t.clock.advance(3600); // well past any lease
    await t.app.services.leases.crashAbandonedRuns();
    expect((await view(run.id)).stateType).toBe("CRASHED");
  });
});
