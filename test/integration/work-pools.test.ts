// Work pool and queue management through GraphQL: creation with a default queue, base job
// template checks, queue priorities, heartbeats, deleting a queue (what pointed at it moves to the
// default queue), and the bad inputs each get a code and write nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, operationText } from "../harness/documents.js";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const CREATE = graphql(`
  mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { name type isPaused concurrencyLimit baseJobTemplate status defaultQueue { name priority } queues { name } } }
`);
const TEMPLATE = {
  job_configuration: { command: "{{ command }}", env: "{{ env }}", labels: { team: "{{ team }}" } },
  variables: {
    type: "object",
    properties: { command: { type: "string" }, env: { type: "object" }, team: { type: "string", default: "data" } },
  },
};

const counts = async () => ({
  pools: await t.app.database.client.workPool.count(),
  queues: await t.app.database.client.workQueue.count(),
});

describe("work pools", () => {
  it("creates a pool with its default queue and a base job template", async () => {
    const r = await t.ok(CREATE, {
      i: { name: "local", type: "process", concurrencyLimit: 4, baseJobTemplate: TEMPLATE },
    });
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
    const paused = await t.ok(
      graphql(`mutation { updateWorkPool(name: "local", input: { isPaused: true }) { isPaused status } }`),
    );
    expect(paused.updateWorkPool).toEqual({ isPaused: true, status: "PAUSED" });
    await t.ok(graphql(`mutation { updateWorkPool(name: "local", input: { isPaused: false }) { isPaused } }`));
  });

  it("keeps queue priorities unique: an explicit priority makes room", async () => {
    await t.ok(CREATE, { i: { name: "prio-pool", type: "process" } });
    const q = graphql(`mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id name priority } }`);
    await t.ok(q, { i: { workPoolName: "prio-pool", name: "b" } });
    await t.ok(q, { i: { workPoolName: "prio-pool", name: "first", priority: 1 } });
    const pool = await t.ok(graphql(`{ workPool(name: "prio-pool") { queues { name priority } } }`));
    expect(pool.workPool.queues).toEqual([
      { name: "first", priority: 1 },
      { name: "default", priority: 2 },
      { name: "b", priority: 3 },
    ]);
  });

  it("marks a worker ONLINE on heartbeat and the pool READY", async () => {
    const w = await t.ok(
      graphql(`mutation { workerHeartbeat(workPoolName: "local", workerName: "w-1") { name status } }`),
    );
    expect(w.workerHeartbeat).toEqual({ name: "w-1", status: "ONLINE" });
    expect((await t.ok(graphql(`{ workPool(name: "local") { status workers { name } } }`))).workPool).toEqual({
      status: "READY",
      workers: [{ name: "w-1" }],
    });
  });

  it("derives statuses from the app's clock: a worker silent for 3 heartbeats is OFFLINE, a queue unpolled for 60 s NOT_READY", async () => {
    await t.ok(CREATE, { i: { name: "aging", type: "process" } });
    // a poll that claims nothing marks the queues polled and registers the worker
    await t.ok(
      graphql(`mutation { claimFlowRuns(input: { workPoolName: "aging", workerName: "w", limit: 0 }) { id } }`),
    );
    const STATUS = graphql(`{ workPool(name: "aging") { status queues { status } workers { status } } }`);
    expect((await t.ok(STATUS)).workPool).toEqual({
      status: "READY",
      queues: [{ status: "READY" }],
      workers: [{ status: "ONLINE" }],
    });
    t.clock.advance(61);
    try {
      expect((await t.ok(STATUS)).workPool).toEqual({
        status: "READY",
        queues: [{ status: "NOT_READY" }],
        workers: [{ status: "ONLINE" }],
      });
      t.clock.advance(30);
      expect((await t.ok(STATUS)).workPool).toEqual({
        status: "NOT_READY",
        queues: [{ status: "NOT_READY" }],
        workers: [{ status: "OFFLINE" }],
      });
    } finally {
      t.clock.advance(-91);
    }
  });

  it("deletes a pool; its deployments stay, without a queue", async () => {
    await t.ok(CREATE, { i: { name: "gone", type: "process" } });
    const d = await applyDeployment(t, { flowName: "wp", name: "d", workPoolName: "gone" });
    expect((await t.ok(graphql(`mutation { deleteWorkPool(name: "gone") }`))).deleteWorkPool).toBe(true);
    expect((await t.ok(graphql(`mutation { deleteWorkPool(name: "gone") }`))).deleteWorkPool).toBe(false);
    const after = await t.ok(
      graphql(`query($id: ID!) { deployment(id: $id) { workPool { name } workQueue { name } } }`),
      {
        id: d.id,
      },
    );
    expect(after.deployment).toEqual({ workPool: null, workQueue: null });
  });
});

describe("deleting a work queue", () => {
  const DELETE = graphql(`
    mutation($id: ID!) { deleteWorkQueue(id: $id) { id name workPoolName defaultQueue { name } deploymentsMoved flowRunsMoved } }
  `);
  const RUN = graphql(`mutation($i: CreateFlowRunInput!) { createFlowRun(input: $i) { id workQueueName } }`);
  const SET = graphql(`
    mutation($id: ID!, $type: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $type } }) { status } }
  `);
  const runQueue = async (id: string) =>
    (await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType workQueueName workQueue { name } } }`), { id }))
      .flowRun;
  const everything = async () => {
    const c = t.app.database.client;
    return {
      ...(await counts()),
      deployments: await c.deployment.count(),
      runs: await c.flowRun.count(),
      onQueues: await c.flowRun.groupBy({
        by: ["workQueueId"],
        _count: { _all: true },
        orderBy: { workQueueId: "asc" },
      }),
    };
  };

  it("moves its deployment and unfinished runs to the default queue; finished runs keep its name", async () => {
    await t.ok(CREATE, { i: { name: "del-pool", type: "process" } });
    const etl = (
      await t.ok(graphql(`mutation { createWorkQueue(input: { workPoolName: "del-pool", name: "etl" }) { id } }`))
    ).createWorkQueue.id;
    const d = (await applyDeployment(t, { flowName: "wq", name: "d", workPoolName: "del-pool", workQueueName: "etl" }))
      .id;
    // a run that finishes on the queue, then one still scheduled on it
    const past = new Date(t.clock.now().getTime() - 60_000).toISOString();
    const done = (await t.ok(RUN, { i: { deploymentId: d, scheduledStartTime: past } })).createFlowRun.id;
    const claimed = await t.ok(
      graphql(`mutation { claimFlowRuns(input: { workPoolName: "del-pool", workerName: "w" }) { id } }`),
    );
    expect(claimed.claimFlowRuns).toEqual([{ id: done }]);
    for (const type of ["RUNNING", "COMPLETED"] as const)
      expect((await t.ok(SET, { id: done, type })).setFlowRunState.status).toBe("ACCEPT");
    const future = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const scheduled = await t.ok(RUN, { i: { deploymentId: d, scheduledStartTime: future } });
    expect(scheduled.createFlowRun.workQueueName).toBe("etl");

    const r = await t.ok(DELETE, { id: etl });
    expect(r.deleteWorkQueue).toEqual({
      id: etl,
      name: "etl",
      workPoolName: "del-pool",
      defaultQueue: { name: "default" },
      deploymentsMoved: 1,
      flowRunsMoved: 1,
    });
    const after = await t.ok(
      graphql(`query($id: ID!) { deployment(id: $id) { workPool { name } workQueue { name } workQueueName } }`),
      { id: d },
    );
    expect(after.deployment).toEqual({
      workPool: { name: "del-pool" },
      workQueue: { name: "default" },
      workQueueName: "default",
    });
    expect(await runQueue(scheduled.createFlowRun.id)).toEqual({
      stateType: "SCHEDULED",
      workQueueName: "default",
      workQueue: { name: "default" },
    });
    expect(await runQueue(done)).toEqual({ stateType: "COMPLETED", workQueueName: "etl", workQueue: null });
    expect((await t.ok(graphql(`{ workPool(name: "del-pool") { queues { name } } }`))).workPool.queues).toEqual([
      { name: "default" },
    ]);
    // the moved run is claimable from the default queue
    t.clock.advance(7200);
    const next = await t.ok(
      graphql(`
        mutation { claimFlowRuns(input: { workPoolName: "del-pool", workerName: "w", workQueueNames: ["default"] }) { id } }
      `),
    );
    expect(next.claimFlowRuns).toEqual([{ id: scheduled.createFlowRun.id }]);
  });

  it("refuses the pool's default queue (BAD_USER_INPUT naming id), writing nothing", async () => {
    const pool = (await t.ok(graphql(`{ workPool(name: "del-pool") { defaultQueue { id } } }`))).workPool;
    const before = await everything();
    const r = await t.gql(DELETE, { id: pool.defaultQueue.id });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    expect(r.errors?.[0]?.message).toMatch(/default queue of work pool "del-pool".*cannot be deleted/);
    expect(await everything()).toEqual(before);
  });

  it("answers NOT_FOUND naming id for an unknown queue", async () => {
    const before = await everything();
    const r = await t.gql(DELETE, { id: "00000000-0000-0000-0000-000000000000" });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "id" });
    expect(await everything()).toEqual(before);
  });
});

describe("bad input", () => {
  // a table of documents sent with loose variables: their text, not typed documents
  const CREATE_TEXT = operationText(CREATE);
  const cases: Array<[string, string, Record<string, unknown>, string, string]> = [
    ["an unknown type", CREATE_TEXT, { i: { name: "x1", type: "nomad-job" } }, "BAD_USER_INPUT", "input.type"],
    ["a duplicate name", CREATE_TEXT, { i: { name: "local", type: "process" } }, "CONFLICT", "input.name"],
    ["a name with /", CREATE_TEXT, { i: { name: "a/b", type: "process" } }, "BAD_USER_INPUT", "input.name"],
    [
      "a negative limit",
      CREATE_TEXT,
      { i: { name: "x2", type: "process", concurrencyLimit: -1 } },
      "BAD_USER_INPUT",
      "input.concurrencyLimit",
    ],
    [
      "an undeclared placeholder",
      CREATE_TEXT,
      {
        i: {
          name: "x3",
          type: "process",
          baseJobTemplate: {
            job_configuration: { image: "{{ image }}" },
            variables: { type: "object", properties: {} },
          },
        },
      },
      "BAD_USER_INPUT",
      "input.baseJobTemplate.job_configuration",
    ],
    [
      "variables that are not a JSON Schema",
      CREATE_TEXT,
      { i: { name: "x4", type: "process", baseJobTemplate: { job_configuration: {}, variables: { type: "nope" } } } },
      "VALIDATION_FAILED",
      "input.baseJobTemplate.variables",
    ],
    [
      "a queue in an unknown pool",
      `mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`,
      { i: { workPoolName: "nope", name: "q" } },
      "NOT_FOUND",
      "input.workPoolName",
    ],
    [
      "a duplicate queue",
      `mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`,
      { i: { workPoolName: "local", name: "default" } },
      "CONFLICT",
      "input.name",
    ],
    [
      "a heartbeat to an unknown pool",
      `mutation($p: String!) { workerHeartbeat(workPoolName: $p, workerName: "w") { id } }`,
      { p: "nope" },
      "NOT_FOUND",
      "workPoolName",
    ],
    [
      "an update of an unknown pool",
      `mutation { updateWorkPool(name: "nope", input: { isPaused: true }) { id } }`,
      {},
      "NOT_FOUND",
      "name",
    ],
  ];
  it.each(cases)(
    "rejects %s with its code, naming the field, writing nothing",
    async (_what, query, variables, code, field) => {
      const before = await counts();
      const r = await t.gql(query, variables);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
      expect(await counts()).toEqual(before);
    },
  );
});
