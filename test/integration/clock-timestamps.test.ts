// Every row's created and updated come from the app's Clock, never from the database's or Prisma's
// wall clock: the clock is frozen years ahead and moved by hand, and each write must carry its
// exact reading (pools, queues, flows, deployments, schedules, runs, workers, logs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.freeze(new Date("2031-03-04T05:06:07.000Z"));
});
afterAll(async () => {
  await t.close();
});

const CREATE_POOL = graphql(`mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { id } }`);
const UPDATE_POOL = graphql(
  `mutation($name: String!, $i: WorkPoolUpdateInput!) { updateWorkPool(name: $name, input: $i) { id } }`,
);
const CREATE_QUEUE = graphql(`mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`);
const CLAIM = graphql(`mutation($i: ClaimFlowRunsInput!) { claimFlowRuns(input: $i) { id } }`);
const HEARTBEAT = graphql(`mutation($id: ID!) { flowRunHeartbeat(flowRunId: $id) { id } }`);
const SET_STATE = graphql(`
  mutation($id: ID!) { setFlowRunState(input: { flowRunId: $id, state: { type: RUNNING } }) { status } }
`);
const LOGS = graphql(`mutation($logs: [LogInput!]!) { createLogs(logs: $logs) }`);
const RUN = graphql(`query($id: ID!) { flowRun(id: $id) { created updated flow { created updated } } }`);

/** Moves the frozen clock on by a minute and returns its new reading, as stored (ISO, ms). */
function tick(): string {
  t.clock.advance(60);
  return t.clock.now().toISOString();
}

const iso = (d: Date | null | undefined) => d?.toISOString();

describe("created and updated", () => {
  it("are the app clock's reading at each write, on every kind of row", async () => {
    const db = t.app.database.client;
    const poolRow = (name: string) => db.workPool.findUniqueOrThrow({ where: { name }, include: { queues: true } });

    // an explicit pool with its default queue, then an update of the pool
    const t0 = t.clock.now().toISOString();
    await t.ok(CREATE_POOL, { i: { name: "clocked", type: "process" } });
    const t1 = tick();
    await t.ok(UPDATE_POOL, { name: "clocked", i: { description: "moved on" } });
    let pool = await poolRow("clocked");
    expect([iso(pool.created), iso(pool.updated)]).toEqual([t0, t1]);
    expect([iso(pool.queues[0]!.created), iso(pool.queues[0]!.updated)]).toEqual([t0, t0]);

    // a queue with an explicit priority shifts the default queue down: both written now
    const t2 = tick();
    await t.ok(CREATE_QUEUE, { i: { workPoolName: "clocked", name: "first", priority: 1 } });
    pool = await poolRow("clocked");
    for (const q of pool.queues) expect([q.name, iso(q.updated)]).toEqual([q.name, t2]);
    expect(pool.queues.find((q) => q.name === "first")!.created.toISOString()).toBe(t2);

    // a deployment naming a new flow, a new pool and a new queue creates all three, and its schedule
    const t3 = tick();
    const d = await applyDeployment(t, {
      flowName: "clocked-flow",
      name: "d",
      workPoolName: "implicit-pool",
      workQueueName: "implicit-queue",
      // inactive: the run claimed below is the only one
      schedules: [{ active: false, schedule: { interval: { interval: 3600 } } }],
    });
    const implicit = await poolRow("implicit-pool");
    expect([iso(implicit.created), iso(implicit.updated)]).toEqual([t3, t3]);
    expect(implicit.queues.map((q) => [q.name, iso(q.created), iso(q.updated)]).sort()).toEqual([
      ["default", t3, t3],
      ["implicit-queue", t3, t3],
    ]);
    const schedule = await db.deploymentSchedule.findFirstOrThrow({ where: { deploymentId: d.id } });
    expect([iso(schedule.created), iso(schedule.updated)]).toEqual([t3, t3]);

    // a run: created, then each write (claim, start, heartbeat) moves only `updated`
    const t4 = tick();
    const runId = await createRun(t, d.id);
    let run = (await t.ok(RUN, { id: runId })).flowRun;
    expect([run.created, run.updated]).toEqual([t4, t4]);
    expect([run.flow.created, run.flow.updated]).toEqual([t3, t3]);

    const t5 = tick();
    expect((await t.ok(CLAIM, { i: { workPoolName: "implicit-pool", workerName: "w" } })).claimFlowRuns).toEqual([
      { id: runId },
    ]);
    run = (await t.ok(RUN, { id: runId })).flowRun;
    expect([run.created, run.updated]).toEqual([t4, t5]);
    const worker = await db.worker.findFirstOrThrow({ where: { name: "w" } });
    expect([iso(worker.created), iso(worker.updated)]).toEqual([t5, t5]);
    const polled = await db.workQueue.findFirstOrThrow({ where: { name: "implicit-queue" } });
    expect([iso(polled.lastPolled), iso(polled.updated)]).toEqual([t5, t5]);

    const t6 = tick();
    expect((await t.ok(SET_STATE, { id: runId })).setFlowRunState.status).toBe("ACCEPT");
    expect((await t.ok(RUN, { id: runId })).flowRun.updated).toBe(t6);
    const t7 = tick();
    await t.ok(HEARTBEAT, { id: runId });
    expect((await t.ok(RUN, { id: runId })).flowRun.updated).toBe(t7);

    // a log line without a timestamp of its own is stamped and created now
    const t8 = tick();
    await t.ok(LOGS, { logs: [{ flowRunId: runId, level: 20, message: "tick" }] });
    const log = await db.log.findFirstOrThrow({ where: { flowRunId: runId } });
    expect([iso(log.timestamp), iso(log.created)]).toEqual([t8, t8]);
  });
});
