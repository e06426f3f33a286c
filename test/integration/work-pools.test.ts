// Work pool and queue management through GraphQL: creation with a default queue, base job
// template checks, queue priorities, heartbeats, and the bad inputs each get a code and write nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const CREATE = `mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { name type isPaused concurrencyLimit baseJobTemplate status defaultQueue { name priority } queues { name } } }`;
const TEMPLATE = {
  job_configuration: { command: "{{ command }}", env: "{{ env }}", labels: { team: "{{ team }}" } },
  variables: { type: "object", properties: { command: { type: "string" }, env: { type: "object" }, team: { type: "string", default: "data" } } },
};

const counts = async () => ({
  pools: await t.app.database.client.workPool.count(),
  queues: await t.app.database.client.workQueue.count(),
});

describe("work pools", () => {
  it("creates a pool with its default queue and a base job template", async () => {
    const r = await t.ok(CREATE, { i: { name: "local", type: "process", concurrencyLimit: 4, baseJobTemplate: TEMPLATE } });
    expect(r.createWorkPool).toMatchObject({
      name: "local",
      type: "process",
      isPaused: false,
      concurrencyLimit: 4,
      baseJobTemplate: TEMPLATE,
      status: "NOT_READY",
      defaultQueue: { name: "default", priority: 1 },
      queues: [{ name: "default" }],
    });
    const paused = await t.ok(`mutation { updateWorkPool(name: "local", input: { isPaused: true }) { isPaused status } }`);
    expect(paused.updateWorkPool).toEqual({ isPaused: true, status: "PAUSED" });
    await t.ok(`mutation { updateWorkPool(name: "local", input: { isPaused: false }) { isPaused } }`);
  });

  it("keeps queue priorities unique: an explicit priority makes room", async () => {
    await t.ok(CREATE, { i: { name: "prio-pool", type: "process" } });
    const q = `mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id name priority } }`;
    await t.ok(q, { i: { workPoolName: "prio-pool", name: "b" } });
    await t.ok(q, { i: { workPoolName: "prio-pool", name: "first", priority: 1 } });
    const pool = await t.ok(`{ workPool(name: "prio-pool") { queues { name priority } } }`);
    expect(pool.workPool.queues).toEqual([
      { name: "first", priority: 1 },
      { name: "default", priority: 2 },
      { name: "b", priority: 3 },
    ]);
  });

  it("marks a worker ONLINE on heartbeat and the pool READY", async () => {
    const w = await t.ok(`mutation { workerHeartbeat(workPoolName: "local", workerName: "w-1") { name status } }`);
    expect(w.workerHeartbeat).toEqual({ name: "w-1", status: "ONLINE" });
    expect((await t.ok(`{ workPool(name: "local") { status workers { name } } }`)).workPool).toEqual({ status: "READY", workers: [{ name: "w-1" }] });
  });

  it("deletes a pool; its deployments stay, without a queue", async () => {
    await t.ok(CREATE, { i: { name: "gone", type: "process" } });
    const d = await t.ok(`mutation { applyDeployment(input: { flowName: "wp", name: "d", workPoolName: "gone" }) { deployment { id } } }`);
    expect((await t.ok(`mutation { deleteWorkPool(name: "gone") }`)).deleteWorkPool).toBe(true);
    expect((await t.ok(`mutation { deleteWorkPool(name: "gone") }`)).deleteWorkPool).toBe(false);
    const after = await t.ok(`query($id: ID!) { deployment(id: $id) { workPool { name } workQueue { name } } }`, { id: d.applyDeployment.deployment.id });
    expect(after.deployment).toEqual({ workPool: null, workQueue: null });
  });
});

describe("bad input", () => {
  const cases: Array<[string, string, Record<string, unknown>, string, string]> = [
    ["an unknown type", CREATE, { i: { name: "x1", type: "kubernetes-job" } }, "BAD_USER_INPUT", "input.type"],
    ["a duplicate name", CREATE, { i: { name: "local", type: "process" } }, "CONFLICT", "input.name"],
    ["a name with /", CREATE, { i: { name: "a/b", type: "process" } }, "BAD_USER_INPUT", "input.name"],
    ["a negative limit", CREATE, { i: { name: "x2", type: "process", concurrencyLimit: -1 } }, "BAD_USER_INPUT", "input.concurrencyLimit"],
    [
      "an undeclared placeholder",
      CREATE,
      { i: { name: "x3", type: "process", baseJobTemplate: { job_configuration: { image: "{{ image }}" }, variables: { type: "object", properties: {} } } } },
      "BAD_USER_INPUT",
      "input.baseJobTemplate.job_configuration",
    ],
    [
      "variables that are not a JSON Schema",
      CREATE,
      { i: { name: "x4", type: "process", baseJobTemplate: { job_configuration: {}, variables: { type: "nope" } } } },
      "VALIDATION_FAILED",
      "input.baseJobTemplate.variables",
    ],
    ["a queue in an unknown pool", `mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`, { i: { workPoolName: "nope", name: "q" } }, "NOT_FOUND", "input.workPoolName"],
    ["a duplicate queue", `mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`, { i: { workPoolName: "local", name: "default" } }, "CONFLICT", "input.name"],
    ["a heartbeat to an unknown pool", `mutation($p: String!) { workerHeartbeat(workPoolName: $p, workerName: "w") { id } }`, { p: "nope" }, "NOT_FOUND", "workPoolName"],
    ["an update of an unknown pool", `mutation { updateWorkPool(name: "nope", input: { isPaused: true }) { id } }`, {}, "NOT_FOUND", "name"],
  ];
  it.each(cases)("rejects %s with its code, naming the field, writing nothing", async (_what, query, variables, code, field) => {
    const before = await counts();
    const r = await t.gql(query, variables);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await counts()).toEqual(before);
  });
});
