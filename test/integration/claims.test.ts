// claimFlowRuns under contention: concurrent workers claim every due run exactly once, queue
// priorities are respected, and the pool's and queues' concurrency limits are never exceeded at
// any moment (checked from the runs' state histories, not by sampling).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import type { CollisionStrategy } from "../harness/generated/graphql.js";
import { peakConcurrency, runHistories } from "../harness/run-histories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const CLAIM = graphql(`
  mutation($input: ClaimFlowRunsInput!) { claimFlowRuns(input: $input) { id workQueueName stateType } }
`);
const SET = graphql(`
  mutation($id: ID!, $type: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $type } }) { status } }
`);

async function setupPool(
  pool: string,
  queues: Array<{ name: string; priority: number; limit: number | null }>,
  poolLimit: number | null,
) {
  await t.ok(graphql(`mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { name } }`), {
    i: { name: pool, type: "process", concurrencyLimit: poolLimit },
  });
  for (const q of queues) {
    await t.ok(graphql(`mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`), {
      i: { workPoolName: pool, name: q.name, priority: q.priority, concurrencyLimit: q.limit },
    });
  }
}

async function createRuns(pool: string, queue: string, n: number): Promise<string[]> {
  const d = await applyDeployment(t, {
    flowName: `claims-${pool}`,
    name: queue,
    workPoolName: pool,
    workQueueName: queue,
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    // one second apart, so start-time order is creation order
    const past = new Date(t.clock.now().getTime() - (n - i) * 1000).toISOString();
    ids.push(await createRun(t, d.id, { scheduledStartTime: past }));
  }
  return ids;
}

describe("claimFlowRuns", () => {
  it("takes queues by priority, then start time, within the queue limits", async () => {
    await setupPool(
      "prio",
      [
        { name: "high", priority: 1, limit: 2 },
        { name: "low", priority: 5, limit: null },
      ],
      null,
    );
    const high = await createRuns("prio", "high", 3);
    const low = await createRuns("prio", "low", 3);
    const r = await t.ok(CLAIM, { input: { workPoolName: "prio", workerName: "w1", limit: 4 } });
    expect(r.claimFlowRuns.map((x) => x.id)).toEqual([high[0], high[1], low[0], low[1]]);
    expect(r.claimFlowRuns.every((x) => x.stateType === "PENDING")).toBe(true);
    const again = await t.ok(CLAIM, {
      input: { workPoolName: "prio", workQueueNames: ["high"], workerName: "w1", limit: 4 },
    });
    expect(again.claimFlowRuns).toEqual([]); // high is at its limit of 2
    const pool = await t.ok(
      graphql(`{ workPool(name: "prio") { status queues { name status lastPolled } workers { name status } } }`),
    );
    expect(pool.workPool.workers).toEqual([{ name: "w1", status: "ONLINE" }]);
    expect(pool.workPool.status).toBe("READY");
    expect(pool.workPool.queues.find((q) => q.name === "high")!.status).toBe("READY");
  });

  it("claims every run exactly once with 16 concurrent workers and never exceeds a limit", async () => {
    const queues = [
      { name: "q1", priority: 1, limit: 3 },
      { name: "q2", priority: 2, limit: null },
      { name: "q3", priority: 3, limit: 2 },
    ];
    await setupPool("busy", queues, 6);
    const all = [
      ...(await createRuns("busy", "q1", 40)),
      ...(await createRuns("busy", "q2", 40)),
      ...(await createRuns("busy", "q3", 40)),
    ];
    const seen = new Map<string, string>();
    const worker = async (name: string) => {
      for (let idle = 0; idle < 40; ) {
        const r = await t.gql(CLAIM, { input: { workPoolName: "busy", workerName: name, limit: 2 } });
        expect(r.errors).toBeUndefined();
        const got = r.data!.claimFlowRuns.map((x) => x.id);
        if (got.length === 0) {
          const left = await t.app.database.client.flowRun.count({
            where: { id: { in: all }, stateType: { not: "COMPLETED" } },
          });
          if (left === 0) return;
          idle++;
          // a racing worker's back-off between empty claims (the load, not a wait; idle caps the loop)
          await new Promise((res) => setTimeout(res, 20));
          continue;
        }
        for (const id of got) {
          expect(seen.has(id), `run ${id} claimed by ${seen.get(id)} and ${name}`).toBe(false);
          seen.set(id, name);
          for (const type of ["RUNNING", "COMPLETED"] as const)
            expect((await t.ok(SET, { id, type })).setFlowRunState.status).toBe("ACCEPT");
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => worker(`worker-${i}`)));
    expect(new Set(seen.keys())).toEqual(new Set(all));
    const pending = await t.app.database.client.flowRunState.groupBy({
      by: ["flowRunId"],
      where: { flowRunId: { in: all }, type: "PENDING" },
      _count: { _all: true },
    });
    expect(pending.every((p) => p._count._all === 1)).toBe(true);
    const histories = await runHistories(t.app.database, all);
    const perQueue = peakConcurrency(histories, (r) => r.workQueueName);
    expect(perQueue.get("q1")).toBeLessThanOrEqual(3);
    expect(perQueue.get("q3")).toBeLessThanOrEqual(2);
    const pool = peakConcurrency(histories, () => "pool").get("pool");
    expect(pool).toBeLessThanOrEqual(6);
    // the limits were actually reached: the test would notice a claimer that never ran in parallel
    expect(pool).toBeGreaterThan(1);
  }, 90_000); // 16 workers racing over HTTP: seconds on an idle machine, far more on a loaded one

  it("does not claim from a paused pool or queue, or runs not yet due", async () => {
    await setupPool("quiet", [{ name: "later", priority: 1, limit: null }], null);
    const d = await applyDeployment(t, {
      flowName: "claims-quiet",
      name: "d",
      workPoolName: "quiet",
      workQueueName: "later",
    });
    const future = new Date(t.clock.now().getTime() + 3600_000).toISOString();
    await createRun(t, d.id, { scheduledStartTime: future });
    expect((await t.ok(CLAIM, { input: { workPoolName: "quiet", workerName: "w" } })).claimFlowRuns).toEqual([]);
    const ahead = new Date(t.clock.now().getTime() + 7200_000).toISOString();
    await t.ok(graphql(`mutation { updateWorkPool(name: "quiet", input: { isPaused: true }) { isPaused status } }`));
    expect(
      (await t.ok(CLAIM, { input: { workPoolName: "quiet", workerName: "w", scheduledBefore: ahead } })).claimFlowRuns,
    ).toEqual([]);
    await t.ok(graphql(`mutation { updateWorkPool(name: "quiet", input: { isPaused: false }) { isPaused } }`));
    expect(
      (await t.ok(CLAIM, { input: { workPoolName: "quiet", workerName: "w", scheduledBefore: ahead } })).claimFlowRuns,
    ).toHaveLength(1);
  });

  it("holds back (ENQUEUE) or cancels (CANCEL_NEW) a deployment's runs beyond its concurrency limit", async () => {
    await setupPool("dep-limits", [], null);
    const runIdsFor = async (name: string, strategy: CollisionStrategy) => {
      const d = await t.ok(
        graphql(`
          mutation($i: DeploymentInput!) { applyDeployment(input: $i) { deployment { id collisionStrategy } } }
        `),
        {
          i: {
            flowName: "claims-dep-limits",
            name,
            workPoolName: "dep-limits",
            concurrencyLimit: 1,
            collisionStrategy: strategy,
          },
        },
      );
      expect(d.applyDeployment.deployment.collisionStrategy).toBe(strategy);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const at = new Date(t.clock.now().getTime() - (2 - i) * 1000).toISOString();
        ids.push(await createRun(t, d.applyDeployment.deployment.id, { scheduledStartTime: at }));
      }
      return ids;
    };
    const [q1, q2] = await runIdsFor("enqueue", "ENQUEUE");
    const [c1, c2] = await runIdsFor("cancel-new", "CANCEL_NEW");
    const r = await t.ok(CLAIM, { input: { workPoolName: "dep-limits", workerName: "w", limit: 10 } });
    expect(r.claimFlowRuns.map((x) => x.id).sort()).toEqual([q1, c1].sort());
    const state = async (id: string) =>
      (await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType state { message } } }`), { id })).flowRun;
    expect((await state(q2!)).stateType).toBe("SCHEDULED");
    expect(await state(c2!)).toEqual({
      stateType: "CANCELLED",
      state: { message: "Deployment concurrency limit reached." },
    });
    // once the enqueued deployment's running run finishes, its waiting run is claimed
    for (const type of ["RUNNING", "COMPLETED"] as const) await t.ok(SET, { id: q1!, type });
    const next = await t.ok(CLAIM, { input: { workPoolName: "dep-limits", workerName: "w", limit: 10 } });
    expect(next.claimFlowRuns.map((x) => x.id)).toEqual([q2]);
  });

  it("with limit 0 only marks the queues polled (a worker at its own limit stays visible)", async () => {
    await setupPool("full", [], null);
    await createRuns("full", "default", 1);
    const r = await t.ok(CLAIM, { input: { workPoolName: "full", workerName: "busy", limit: 0 } });
    expect(r.claimFlowRuns).toEqual([]);
    const pool = await t.ok(graphql(`{ workPool(name: "full") { queues { name status lastPolled } } }`));
    expect(pool.workPool.queues[0]).toMatchObject({ name: "default", status: "READY" });
    const bad = await t.gql(CLAIM, { input: { workPoolName: "full", workerName: "busy", limit: -1 } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.limit" });
  });

  it("a new worker's first heartbeat and first claim at the same moment both succeed (no deadlock on PostgreSQL)", async () => {
    // the claim locks the pool row, then registers the worker; the heartbeat registers the same
    // worker, whose foreign key check locks the pool row in KEY SHARE mode: the claim's lock must
    // not conflict with that, or each waits for the other
    await setupPool("fresh-workers", [], null);
    await createRuns("fresh-workers", "default", 4);
    const calls = Array.from({ length: 24 }, (_, i) => [
      t.gql(CLAIM, { input: { workPoolName: "fresh-workers", workerName: `new-${i}`, limit: 1 } }),
      t.gql(
        graphql(`mutation($w: String!) { workerHeartbeat(workPoolName: "fresh-workers", workerName: $w) { id } }`),
        {
          w: `new-${i}`,
        },
      ),
    ]).flat();
    const results = await Promise.all(calls);
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const pool = await t.ok(graphql(`{ workPool(name: "fresh-workers") { workers { name } } }`));
    expect(pool.workPool.workers).toHaveLength(24);
  });

  it("answers an unknown pool or queue with NOT_FOUND naming the field", async () => {
    const r = await t.gql(CLAIM, { input: { workPoolName: "nope", workerName: "w" } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.workPoolName" });
    const q = await t.gql(CLAIM, {
      input: { workPoolName: "prio", workQueueNames: ["high", "nope"], workerName: "w" },
    });
    expect(q.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.workQueueNames[1]" });
  });
});
