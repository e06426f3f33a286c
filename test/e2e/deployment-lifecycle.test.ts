// A deployment's whole life with real processes (issue 5 acceptance): a server process, flow code
// in a local-file-system block, a process work pool and a real `ordo worker` running
// `ordo flow-run execute` — states watched live over graphql-ws, logs read back, retries to FAILED.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FlowRunStateChangedDocument,
  type FlowRunStateChangedSubscription,
} from "../../src/client/generated/graphql.js";
import { OrdoClient } from "../../src/client/ordo-client.js";
import { flowStorageBlock, killRunJobs, startLiveServer, type LiveServer } from "../harness/live-server.js";
import { collect, type Collected } from "../harness/streams.js";
import { WorkerProcess } from "../harness/worker-process.js";
import { localAdminKey } from "../harness/server-homes.js";
import { ordo } from "../harness/cli.js";
import { graphql } from "../harness/documents.js";

const POOL = "lifecycle-pool";
/** Real processes on a shared 2-core machine: the executor alone compiles TypeScript on start. */
const RUN_TIMEOUT_MS = 90_000;

type StateEvent = FlowRunStateChangedSubscription["flowRunStateChanged"];

let server: LiveServer;
let client: OrdoClient;
let store: string;
let worker: WorkerProcess;
let workerEnv: Record<string, string> | undefined;
const runIds: string[] = [];

beforeAll(async () => {
  // late-run labelling would add a Scheduled → Late event to a run a busy machine claims slowly
  server = await startLiveServer({ ORDO_LATE_RUNS_AFTER_SECONDS: "3600" });
  client = new OrdoClient(server.url, { apiKey: localAdminKey(server.home) });
  store = await flowStorageBlock(server, "lifecycle-code");
  // a process pool with no base job template: the worker runs `ordo flow-run execute <id>`
  await server.ok(
    graphql(
      `mutation($name: String!) { createWorkPool(input: { name: $name, type: "process" }) { id baseJobTemplate } }`,
    ),
    { name: POOL },
  );
  // the worker runs as on another machine: its own empty ORDO_HOME, and a key of scope worker only
  const key = await server.ok(
    graphql(`mutation { createApiKey(input: { name: "lifecycle-worker", scopes: [WORKER] }) { key } }`),
  );
  workerEnv = {
    ORDO_HOME: await mkdtemp(path.join(os.tmpdir(), "ordo-remote-worker-")),
    ORDO_API_KEY: key.createApiKey.key,
  };
  worker = new WorkerProcess(
    server.url,
    ["--pool", POOL, "--poll-seconds", "1", "--run-heartbeat-seconds", "2"],
    workerEnv,
  );
  await worker.waitForLine(/worker .* started: pool lifecycle-pool/, 60_000);
}, 120_000);

afterAll(async () => {
  await WorkerProcess.killAll();
  if (server) await killRunJobs(server, runIds);
  await client?.close();
  await server?.stop();
  if (store) await rm(store, { recursive: true, force: true });
  if (workerEnv) await rm(workerEnv.ORDO_HOME!, { recursive: true, force: true });
});

it("the worker's key (scope worker, another ORDO_HOME) may not change deployments or pools", async () => {
  const r = await ordo(server.url, ["work-pool", "create", "not-allowed", "--type", "process"], { env: workerEnv });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/needs the "write" scope.*"lifecycle-worker" has: worker/);
  expect((await server.ok(graphql(`{ workPool(name: "not-allowed") { id } }`))).workPool).toBeNull();
});

async function deploy(name: string, input: Record<string, unknown>): Promise<string> {
  const r = await server.ok(
    graphql(
      `mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id storageDocument { name } entrypoint } } }`,
    ),
    {
      input: {
        flowName: name,
        name,
        workPoolName: POOL,
        storageBlock: "local-file-system/lifecycle-code/flows",
        ...input,
      },
    },
  );
  expect(r.applyDeployment.deployment).toMatchObject({
    storageDocument: { name: "lifecycle-code" },
    entrypoint: input.entrypoint,
  });
  return r.applyDeployment.deployment.id;
}

/** The deployment's state changes, live: listening (the server's mark came) before its run exists. */
async function watch(deploymentId: string): Promise<Collected<StateEvent>> {
  const events = await client.listen(FlowRunStateChangedDocument, { deploymentId });
  return collect(
    (async function* () {
      for await (const e of events) yield e.flowRunStateChanged;
    })(),
  );
}

async function createRun(deploymentId: string, input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const r = await server.ok(
    graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id name parameters } }`),
    { input: { deploymentId, ...input } },
  );
  runIds.push(r.createFlowRun.id);
  return r.createFlowRun;
}

const TERMINAL = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"];

/** This run's events until its terminal state, as [previous type, type, name]. */
async function eventsUntilTerminal(events: Collected<StateEvent>, runId: string) {
  const ofRun = () => events.items.filter((e) => e.flowRun.id === runId);
  await events
    .waitFor(() => ofRun().some((e) => TERMINAL.includes(e.state.type)), RUN_TIMEOUT_MS)
    .catch((e) => {
      throw new Error(`${e.message}\nevents: ${JSON.stringify(ofRun())}\nworker:\n${worker.output}`);
    });
  return ofRun().map((e) => [e.previousStateType, e.state.type, e.state.name]);
}

/** The run's logs; complete once the worker saw the executor exit (it flushes its logs before exiting). */
async function logsOf(run: { id: string; name: string }) {
  await worker.waitForLine(new RegExp(`^.*${run.name}: infrastructure exited with code \\d+$`), RUN_TIMEOUT_MS);
  const r = await server.ok(
    graphql(`query($id: ID!) { logs(flowRunId: $id, first: 200) { edges { node { level name message } } } }`),
    { id: run.id },
  );
  return r.logs.edges.map((e: { node: { level: number; name: string; message: string } }) => e.node);
}

describe("a deployment run by a real worker", () => {
  it("goes SCHEDULED → PENDING → RUNNING → COMPLETED live over graphql-ws, with the flow's logs and the run's parameters", async () => {
    const deploymentId = await deploy("greet", {
      entrypoint: "lifecycle.ts:greet",
      parameters: { name: "world", times: 1 },
      parameterOpenapiSchema: {
        type: "object",
        properties: { name: { type: "string", minLength: 1 }, times: { type: "integer", minimum: 1 } },
        required: ["name", "times"],
      },
    });
    // the schema is enforced on the run's parameters (merged over the deployment's)
    const bad = await server.gql(
      graphql(
        `mutation($id: ID!) { createFlowRun(input: { deploymentId: $id, parameters: { times: "twice" } }) { id } }`,
      ),
      { id: deploymentId },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION_FAILED" });

    const events = await watch(deploymentId);
    const run = await createRun(deploymentId, { parameters: { name: "Ada", times: 2 } });
    expect(await eventsUntilTerminal(events, run.id)).toEqual([
      [null, "SCHEDULED", "Scheduled"],
      ["SCHEDULED", "PENDING", "Pending"],
      ["PENDING", "RUNNING", "Running"],
      ["RUNNING", "COMPLETED", "Completed"],
    ]);
    events.stop();

    const view = (
      await server.ok(
        graphql(
          `query($id: ID!) { flowRun(id: $id) { parameters runCount infrastructurePid state { data } states { type } } }`,
        ),
        { id: run.id },
      )
    ).flowRun;
    expect(view).toMatchObject({
      parameters: { name: "Ada", times: 2 },
      runCount: 1,
      state: { data: { greeted: "Ada", times: 2 } },
    });
    expect(view.states.map((s: { type: string }) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    expect(view.infrastructurePid).toMatch(/^.+:\d+$/);

    const logs = await logsOf(run);
    expect(logs).toContainEqual({ level: 20, name: "ordo.console", message: "hello Ada #1" });
    expect(logs).toContainEqual({ level: 20, name: "ordo.console", message: "hello Ada #2" });
    expect(logs).toContainEqual({ level: 30, name: "ordo.console", message: "Ada was greeted loudly" });
    expect(logs).toContainEqual({ level: 20, name: "ordo.flow_runs", message: "greeted Ada 2 times" });
    // the deployment's default never reached the flow: the run's parameters won
    expect(logs.filter((l: { message: string }) => l.message.includes("world"))).toEqual([]);
    // the worker passes the job's output on, prefixed with the run's name
    await worker.waitForLine(new RegExp(`\\[${run.name}\\] hello Ada #2`));
  }, 180_000);

  it("retries a failing flow the configured number of times, then ends FAILED with the error", async () => {
    const deploymentId = await deploy("failing", { entrypoint: "failing.ts:failing" });
    const events = await watch(deploymentId);
    const run = await createRun(deploymentId, { retries: 2, retryDelaySeconds: 1 });
    // in-process retries, as the orchestrator models them: the rejected FAILED becomes
    // Scheduled/AwaitingRetry, and the executor (not a new claim) resumes it as Running/Retrying
    expect(await eventsUntilTerminal(events, run.id)).toEqual([
      [null, "SCHEDULED", "Scheduled"],
      ["SCHEDULED", "PENDING", "Pending"],
      ["PENDING", "RUNNING", "Running"],
      ["RUNNING", "SCHEDULED", "AwaitingRetry"],
      ["SCHEDULED", "RUNNING", "Retrying"],
      ["RUNNING", "SCHEDULED", "AwaitingRetry"],
      ["SCHEDULED", "RUNNING", "Retrying"],
      ["RUNNING", "FAILED", "Failed"],
    ]);
    events.stop();

    const view = (
      await server.ok(
        graphql(`query($id: ID!) { flowRun(id: $id) { runCount stateType state { message } states { name } } }`),
        {
          id: run.id,
        },
      )
    ).flowRun;
    expect(view.runCount).toBe(3);
    expect(view.state.message).toContain("boom: the flow failed on purpose");
    expect(view.states.map((s: { name: string }) => s.name)).toEqual([
      "Scheduled",
      "Pending",
      "Running",
      "AwaitingRetry",
      "Retrying",
      "AwaitingRetry",
      "Retrying",
      "Failed",
    ]);
    const logs = await logsOf(run);
    // one line per attempt, from the flow's own console.error
    expect(
      logs.filter((l: { name: string; message: string }) => l.name === "ordo.console" && l.message === "about to fail"),
    ).toHaveLength(3);
    // the worker did not report anything on top: the executor's FAILED stands
    expect(worker.output).not.toMatch(new RegExp(`${run.name}: .*CRASHED`));
  }, 180_000);
});
