// `ordo flow-run execute` end to end: a real server, flow code in a local-file-system block or a
// git repository, and the executor as a child process — states, logs, exit codes, retries (the
// run's policy and the flow's own), waiting for the scheduled time, pull steps, cancellation.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApplyDeploymentDocument,
  CreateFlowRunDocument,
  SetFlowRunStateDocument,
  WorkerClaimFlowRunsDocument,
} from "../../src/client/generated/graphql.js";
import { OrdoClient } from "../../src/client/ordo-client.js";
import { eventually } from "../harness/eventually.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

const root = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(root, "test/fixtures/flows");

let t: TestApp;
let url: string;
let client: OrdoClient;
let tmp: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  client = new OrdoClient(url, { apiKey: t.adminKey });
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-executor-"));
  // the block's folder holds copies: the executor must find the code through the block, not the repo
  await cp(fixtures, path.join(tmp, "store/flows"), { recursive: true });
  await t.ok(graphql(`mutation($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }`), {
    input: { blockTypeSlug: "local-file-system", name: "code", data: { basePath: path.join(tmp, "store") } },
  });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await client?.close();
  await t?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

interface Execution {
  code: number | null;
  output: string;
  /** milliseconds from spawn to exit */
  ms: number;
}

/** Runs `ordo flow-run execute <id>` to its end (killed after 60 s), from a scratch working directory. */
function spawnExecutor(
  runId: string,
  args: string[] = [],
): { child: ChildProcess; done: Promise<Execution>; output: () => string } {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, "bin/ordo.mjs"), "flow-run", "execute", runId, ...args], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ORDO_API_URL: url, ORDO_HOME: t.home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const done = new Promise<Execution>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, output, ms: Date.now() - started });
    }),
  );
  return { child, done, output: () => output };
}

const execute = (runId: string) => spawnExecutor(runId).done;

/** A deployment `flowName/name` whose code is, unless `input` says otherwise, in the block's flows/ folder. */
async function deploy(flowName: string, name: string, input: Record<string, unknown>): Promise<string> {
  const r = await client.request(ApplyDeploymentDocument, {
    input: { flowName, name, storageBlock: "local-file-system/code/flows", ...input },
  });
  return r.applyDeployment.deployment.id;
}

async function createRun(deploymentId: string, input: Record<string, unknown> = {}): Promise<string> {
  return (await client.request(CreateFlowRunDocument, { input: { deploymentId, ...input } })).createFlowRun.id;
}

interface RunView {
  stateType: string;
  stateName: string;
  runCount: number;
  state: { message: string | null; data: unknown };
  states: Array<{ type: string; name: string }>;
}

async function inspect(
  runId: string,
): Promise<{ run: RunView; logs: Array<{ level: number; name: string; message: string }> }> {
  const r = await t.ok(
    graphql(`query($id: ID!) {
      flowRun(id: $id) { stateType stateName runCount state { message data } states { type name } }
      logs(flowRunId: $id, first: 200) { edges { node { level name message } } }
    }`),
    { id: runId },
  );
  return { run: r.flowRun, logs: r.logs.edges.map((e) => e.node) };
}

const typesOf = (run: RunView) => run.states.map((s) => s.type);

describe("a flow from a local-file-system block", () => {
  it("runs SCHEDULED → RUNNING → COMPLETED, ships console and logger lines, keeps the result, exits 0", async () => {
    const deploymentId = await deploy("hello", "hello", { entrypoint: "hello.ts:hello" });
    const runId = await createRun(deploymentId, { parameters: { name: "Ada" } });
    const { code, output } = await execute(runId);
    expect(code, output).toBe(0);
    const { run, logs } = await inspect(runId);
    expect(typesOf(run)).toEqual(["SCHEDULED", "RUNNING", "COMPLETED"]);
    expect(run.state.data).toEqual({ greeting: "Hello Ada" });
    expect(logs).toContainEqual({ level: 20, name: "ordo.console", message: "Hello Ada" });
    expect(logs).toContainEqual({ level: 20, name: "ordo.flow_runs", message: "done" });
    expect(logs.filter((l) => l.level >= 30)).toEqual([]);
    // the lines reach the process output too, for the worker's own log
    expect(output).toContain("Hello Ada");
  });

  it("goes through PENDING when a worker claimed it first", async () => {
    const deploymentId = await deploy("hello", "hello-claimed", {
      entrypoint: "hello.ts:hello",
      workPoolName: "executor-pool",
    });
    const runId = await createRun(deploymentId, { parameters: { name: "Bob" } });
    const claimed = await client.request(WorkerClaimFlowRunsDocument, {
      input: { workPoolName: "executor-pool", workerName: "test" },
    });
    expect(claimed.claimFlowRuns.map((r) => r.id)).toContain(runId);
    expect((await execute(runId)).code).toBe(0);
    expect(typesOf((await inspect(runId)).run)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
  });

  it("ends FAILED with the error message and exits 1 when the flow throws", async () => {
    const deploymentId = await deploy("failing", "failing", { entrypoint: "failing.ts:failing" });
    const runId = await createRun(deploymentId);
    const { code, output } = await execute(runId);
    expect(code, output).toBe(1);
    const { run, logs } = await inspect(runId);
    expect(typesOf(run)).toEqual(["SCHEDULED", "RUNNING", "FAILED"]);
    expect(run.state.message).toContain("boom: the flow failed on purpose");
    expect(logs).toContainEqual({ level: 40, name: "ordo.console", message: "about to fail" });
    expect(logs.some((l) => l.level === 40 && l.name === "ordo.executor" && l.message.includes("boom"))).toBe(true);
  });

  it("runs a plain JavaScript function too", async () => {
    const deploymentId = await deploy("add", "plain", { entrypoint: "plain.js:add" });
    const runId = await createRun(deploymentId, { parameters: { a: 2, b: 3 } });
    expect((await execute(runId)).code).toBe(0);
    const { run, logs } = await inspect(runId);
    expect(run.state.data).toEqual({ sum: 5 });
    expect(logs.map((l) => l.message)).toContain("adding 2 and 3");
  });

  it("fails the run, without running it, when the entrypoint names no flow", async () => {
    const deploymentId = await deploy("hello", "bad-entrypoint", { entrypoint: "hello.ts:nope" });
    const runId = await createRun(deploymentId);
    expect((await execute(runId)).code).toBe(1);
    const { run } = await inspect(runId);
    expect(typesOf(run)).toEqual(["SCHEDULED", "FAILED"]);
    expect(run.state.message).toMatch(/"nope" is not exported.*hello/);
  });
});

describe("retries and waiting", () => {
  it("re-runs in process under the run's retry policy: AwaitingRetry, then COMPLETED with run count 2", async () => {
    const deploymentId = await deploy("flaky", "flaky", { entrypoint: "flaky.ts:flaky" });
    const runId = await createRun(deploymentId, {
      parameters: { marker: path.join(tmp, "flaky-marker") },
      retries: 1,
      retryDelaySeconds: 1,
    });
    const { code, output, ms } = await execute(runId);
    expect(code, output).toBe(0);
    const { run } = await inspect(runId);
    expect(run.states.map((s) => s.name)).toEqual(["Scheduled", "Running", "AwaitingRetry", "Retrying", "Completed"]);
    expect(run.runCount).toBe(2);
    expect(run.state.data).toEqual({ attempt: 2, runCount: 2 });
    expect(ms).toBeGreaterThanOrEqual(1000);
  });

  it("honours the flow's own retries when the run has no retry policy, staying RUNNING", async () => {
    const deploymentId = await deploy("flaky", "self-retrying", { entrypoint: "flaky.ts:selfRetrying" });
    const runId = await createRun(deploymentId, { parameters: { marker: path.join(tmp, "self-marker") } });
    expect((await execute(runId)).code).toBe(0);
    const { run, logs } = await inspect(runId);
    expect(typesOf(run)).toEqual(["SCHEDULED", "RUNNING", "COMPLETED"]);
    expect(run.state.data).toEqual({ attempt: 2, runCount: 1 });
    expect(logs.some((l) => l.message.includes("first attempt fails"))).toBe(true);
  });

  it("waits for a run scheduled in the future (WAIT), then runs it", async () => {
    const deploymentId = await deploy("hello", "later", { entrypoint: "hello.ts:hello" });
    // far enough ahead that a slow start on a loaded machine (the spawn alone can take 3 s) still
    // reaches the server before the run is due, so the executor must wait
    const runId = await createRun(deploymentId, {
      parameters: { name: "later" },
      scheduledStartTime: new Date(Date.now() + 6000).toISOString(),
    });
    const { code, ms } = await execute(runId);
    expect(code).toBe(0);
    const { run, logs } = await inspect(runId);
    expect(run.stateType).toBe("COMPLETED");
    expect(logs.some((l) => l.name === "ordo.executor" && l.message.startsWith("Waiting"))).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(3000);
  });

  it("does nothing for a run that already finished (exit 0)", async () => {
    const deploymentId = await deploy("hello", "done", { entrypoint: "hello.ts:hello" });
    const runId = await createRun(deploymentId);
    await client.request(SetFlowRunStateDocument, { input: { flowRunId: runId, state: { type: "CANCELLED" } } });
    const { code, output } = await execute(runId);
    expect(code).toBe(0);
    expect(output).toContain("nothing to execute");
    expect(typesOf((await inspect(runId)).run)).toEqual(["SCHEDULED", "CANCELLED"]);
  });
});

describe("pull steps", () => {
  let repo: string;

  beforeAll(async () => {
    // a real repository with the flows under flows/, cloned by path like any URL
    repo = path.join(tmp, "repo");
    await cp(fixtures, path.join(repo, "flows"), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@t",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@t",
        },
      });
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "flows");
  });

  it("git_clone (Prefect's long name) then set_working_directory with the clone's output", async () => {
    const deploymentId = await deploy("hello", "from-git", {
      storageBlock: null,
      entrypoint: "hello.ts:hello",
      pullSteps: [
        { "prefect.deployments.steps.git_clone": { id: "clone", repository: `file://${repo}`, branch: "main" } },
        { set_working_directory: { directory: "{{ clone.directory }}/flows" } },
      ],
    });
    const runId = await createRun(deploymentId, { parameters: { name: "git" } });
    const { code, output } = await execute(runId);
    expect(code, output).toBe(0);
    const { run, logs } = await inspect(runId);
    expect(run.state.data).toEqual({ greeting: "Hello git" });
    expect(logs.some((l) => l.message.includes("cloning") && l.message.includes("repo-main"))).toBe(true);
  });

  it("set_working_directory alone, with the deployment's path under it", async () => {
    const deploymentId = await deploy("add", "from-dir", {
      storageBlock: null,
      path: "flows",
      entrypoint: "plain.js:add",
      pullSteps: [{ "ordo.deployments.steps.set_working_directory": { directory: repo } }],
    });
    const runId = await createRun(deploymentId, { parameters: { a: 1, b: 1 } });
    expect((await execute(runId)).code).toBe(0);
    expect((await inspect(runId)).run.state.data).toEqual({ sum: 2 });
  });

  it("pull_from_storage with a block slug", async () => {
    const deploymentId = await deploy("hello", "from-storage-step", {
      storageBlock: null,
      entrypoint: "flows/hello.ts:hello",
      pullSteps: [{ pull_from_storage: { block: "local-file-system/code" } }],
    });
    const runId = await createRun(deploymentId, { parameters: { name: "step" } });
    expect((await execute(runId)).code).toBe(0);
    expect((await inspect(runId)).run.state.data).toEqual({ greeting: "Hello step" });
  });

  it("a failing step fails the run with the step named", async () => {
    const deploymentId = await deploy("hello", "bad-clone", {
      storageBlock: null,
      entrypoint: "hello.ts:hello",
      pullSteps: [{ git_clone: { repository: path.join(tmp, "no-such-repo") } }],
    });
    const runId = await createRun(deploymentId);
    expect((await execute(runId)).code).toBe(1);
    const { run } = await inspect(runId);
    expect(run.stateType).toBe("FAILED");
    expect(run.state.message).toMatch(/pullSteps\[0\] \(git_clone\) failed: git clone of \S+no-such-repo failed/);
  });
});

describe("stopping a running flow", () => {
  async function startSleepy(name: string) {
    const deploymentId = await deploy("sleepy", name, { entrypoint: "sleepy.ts:sleepy" });
    const runId = await createRun(deploymentId);
    const exec = spawnExecutor(runId, ["--heartbeat-seconds", "0.5"]);
    await eventually(() => exec.output().includes("sleeping"), {
      timeoutMs: 30_000,
      what: () => `the flow to start:\n${exec.output()}`,
    });
    return { runId, exec };
  }

  it("a cancellation seen in a heartbeat ends the run CANCELLED", async () => {
    const { runId, exec } = await startSleepy("cancel-me");
    await client.request(SetFlowRunStateDocument, { input: { flowRunId: runId, state: { type: "CANCELLING" } } });
    const { code } = await exec.done;
    expect(code).toBe(1);
    expect(typesOf((await inspect(runId)).run)).toEqual(["SCHEDULED", "RUNNING", "CANCELLING", "CANCELLED"]);
  });

  it("SIGTERM ends the run CRASHED and the process with 143", async () => {
    const { runId, exec } = await startSleepy("interrupt-me");
    exec.child.kill("SIGTERM");
    const { code } = await exec.done;
    expect(code).toBe(143);
    const { run, logs } = await inspect(runId);
    expect(run.stateType).toBe("CRASHED");
    expect(run.state.message).toContain("SIGTERM");
    expect(logs.map((l) => l.message)).toContain("sleeping");
  });
});
