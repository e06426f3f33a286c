// End to end with Ordo itself: a real server, a `docker` work pool, a deployment whose code is in a
// local-file-system block, and `ordo worker start` running its flow runs in containers of
// local/node:20 (the host's node at its own path; Ordo's folder mounted read-only at its own path,
// and the command job variable naming it: the image has no `ordo` on PATH, the default),
// completing one with its logs streamed, and cancelling another.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flowStorageBlock, startLiveServer, type LiveServer } from "../../test/harness/live-server.js";
import { eventually } from "../../test/harness/eventually.js";
import { WorkerProcess } from "../../test/harness/worker-process.js";
import { connectEngine } from "./engine.js";
import { containerEngine, NODE_IMAGE } from "./test-server.js";

const engine = await containerEngine();
if (engine.skip) console.warn(`plugins/docker: skipping the docker worker end-to-end tests: ${engine.reason}`);

/** The Ordo package root, mounted at the same path; the command runs its bin/ordo.mjs. */
const ORDO_ROOT = path.resolve(import.meta.dirname, "../..");
const TEST_LABEL = "ordo.test";
const RUN = randomUUID();
const POOL = "docker-e2e";

let server: LiveServer;
let flowStore: string;

interface RunView {
  id: string;
  name: string;
  stateType: string;
  infrastructurePid: string | null;
  states: Array<{ type: string; message: string | null }>;
}

const view = async (id: string): Promise<RunView> =>
  (
    await server.ok(
      `query($id: ID!) { flowRun(id: $id) { id name stateType infrastructurePid states { type message } } }`,
      { id },
    )
  ).flowRun;

const reaches = (id: string, types: string[], timeoutMs = 60_000) =>
  eventually(
    async () => {
      const r = await view(id);
      return types.includes(r.stateType) && r;
    },
    { timeoutMs, what: `run ${id} in ${types.join("/")}` },
  );

async function deploy(name: string, entrypoint: string): Promise<string> {
  const r = await server.ok(
    `mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }`,
    {
      input: {
        flowName: name,
        name,
        workPoolName: POOL,
        storageBlock: "local-file-system/docker-code/flows",
        entrypoint,
        jobVariables: {
          image: NODE_IMAGE,
          image_pull_policy: "NEVER",
          // `ordo flow-run execute` reads the run's id from ORDO_FLOW_RUN_ID, which the worker sets
          command: [process.execPath, path.join(ORDO_ROOT, "bin/ordo.mjs"), "flow-run", "execute"],
          // the server listens on the worker's 127.0.0.1
          network_mode: "host",
          // Ordo (the executor, its node_modules) and the block's folder, read-only at their own paths
          volumes: [`${ORDO_ROOT}:${ORDO_ROOT}:ro`, `${flowStore}:${flowStore}:ro`],
          labels: { [TEST_LABEL]: RUN },
        },
      },
    },
  );
  return r.applyDeployment.deployment.id;
}

async function createRun(
  deploymentId: string,
  parameters: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const r = await server.ok(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id name } }`, {
    input: { deploymentId, parameters },
  });
  return r.createFlowRun;
}

/** Resolves once the engine no longer has the container. */
async function gone(id: string): Promise<void> {
  const docker = await connectEngine("test", engine.dockerHost!);
  await eventually(
    () =>
      docker
        .getContainer(id)
        .inspect()
        .then(
          () => false,
          (e: { statusCode?: number }) => e.statusCode === 404,
        ),
    { timeoutMs: 15_000, what: `container ${id} removed` },
  );
}

const startWorker = (...args: string[]) =>
  new WorkerProcess(server.url, ["--pool", POOL, "--poll-seconds", "1", "--run-heartbeat-seconds", "1", ...args]);

describe.skipIf(engine.skip)("ordo worker start on a docker pool", () => {
  beforeAll(async () => {
    expect(engine.dockerHost, engine.reason).not.toBeNull();
    // the worker (a child process) finds the engine through DOCKER_HOST, as a user's would
    process.env.DOCKER_HOST = engine.dockerHost!;
    server = await startLiveServer({ DOCKER_HOST: engine.dockerHost! });
    flowStore = await flowStorageBlock(server, "docker-code");
    const created = await server.ok(
      `mutation($input: WorkPoolInput!) { createWorkPool(input: $input) { name type baseJobTemplate } }`,
      {
        input: { name: POOL, type: "docker" },
      },
    );
    // no template given: the pool gets the plugin's docker template
    expect(created.createWorkPool.baseJobTemplate.job_configuration).toMatchObject({
      image: "{{ image }}",
      network_mode: "{{ network_mode }}",
      volumes: "{{ volumes }}",
    });
  }, 120_000);

  afterEach(() => WorkerProcess.killAll());

  afterAll(async () => {
    await WorkerProcess.killAll();
    await engine.removeLabelled(TEST_LABEL, RUN);
    await server?.stop();
    if (flowStore) await rm(flowStore, { recursive: true, force: true });
  });

  it("runs a flow run in a container that reaches the server: COMPLETED, its output in the worker's log and its logs on the server", async () => {
    const deploymentId = await deploy("hello", "hello.ts:hello");
    const run = await createRun(deploymentId, { name: "Ada" });
    const worker = startWorker();
    const done = await reaches(run.id, ["COMPLETED", "FAILED", "CRASHED"], 90_000);
    expect(done.stateType, `${JSON.stringify(done.states)}\n${worker.output}`).toBe("COMPLETED");
    expect(done.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    // the infrastructure id is the container's
    expect(done.infrastructurePid).toMatch(/^[0-9a-f]{64}$/);
    await worker.waitForLine(new RegExp(`^\\[${run.name}\\] .*Hello Ada`));
    const logs = await server.ok(
      `query($id: ID!) { logs(flowRunId: $id, first: 100) { edges { node { name message } } } }`,
      { id: run.id },
    );
    expect(logs.logs.edges.map((e: { node: { message: string } }) => e.node.message)).toEqual(
      expect.arrayContaining(["Hello Ada", "done"]),
    );
    // the container is removed once it exited (the executor reports COMPLETED just before)
    await gone(done.infrastructurePid!);
    expect(worker.output).not.toMatch(/ERROR/);
  }, 120_000);

  it("stops the container of a cancelled run and reports it CANCELLED", async () => {
    const deploymentId = await deploy("sleepy", "sleepy.ts:sleepy");
    const run = await createRun(deploymentId);
    const worker = startWorker("--kill-grace", "5");
    const running = await eventually(
      async () => {
        const r = await view(run.id);
        return r.stateType === "RUNNING" && r.infrastructurePid !== null && r;
      },
      { timeoutMs: 90_000, what: `run ${run.id} RUNNING in a container` },
    );
    const docker = await connectEngine("test", engine.dockerHost!);
    expect((await docker.getContainer(running.infrastructurePid!).inspect()).State.Running).toBe(true);

    const cancelling = await server.ok(
      `mutation($input: SetFlowRunStateInput!) { setFlowRunState(input: $input) { status } }`,
      {
        input: { flowRunId: run.id, state: { type: "CANCELLING" } },
      },
    );
    expect(cancelling.setFlowRunState.status).toBe("ACCEPT");
    const started = Date.now();
    const v = await reaches(run.id, ["CANCELLED"], 30_000);
    expect(v.states.map((s) => s.type).slice(-2)).toEqual(["CANCELLING", "CANCELLED"]);
    // SIGTERM reached the executor through init, well inside the grace period
    expect(Date.now() - started).toBeLessThan(10_000);
    await worker.waitForLine(/cancellation requested/);
    await gone(running.infrastructurePid!);
  }, 150_000);
});
