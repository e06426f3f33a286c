// The shorter run lifecycle: claimFlowRuns(startRunning) moves each claimed run on to RUNNING in
// the claim's transaction, and setFlowRunStates sends many proposals in one request. Both must
// obey exactly the rules of separate proposals: a run not due yet waits, limits still hold, a bad
// proposal fails only itself, and each proposal needs the scope setFlowRunState would.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { graphql } from "../harness/documents.js";
import { peakConcurrency, runHistories } from "../harness/run-histories.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import type { ApiKeyScope, SetFlowRunStateInput } from "../harness/generated/graphql.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const CLAIM = graphql(`
  mutation($input: ClaimFlowRunsInput!) { claimFlowRuns(input: $input) { id stateType startTime runCount state { type name } } }
`);
const SET = graphql(`
  mutation($id: ID!, $type: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $type } }) { status delaySeconds } }
`);
const SET_MANY = graphql(`mutation($p: [SetFlowRunStateInput!]!) {
  setFlowRunStates(input: { proposals: $p }) { flowRunId result { status reason state { type } flowRun { stateType } } error { code message field } }
}`);

async function pool(
  name: string,
  concurrencyLimit: number | null = null,
  queues: Array<{ name: string; limit: number | null }> = [],
) {
  await t.ok(graphql(`mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { name } }`), {
    i: { name, type: "process", concurrencyLimit },
  });
  for (const [i, q] of queues.entries()) {
    await t.ok(graphql(`mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`), {
      i: { workPoolName: name, name: q.name, priority: i + 1, concurrencyLimit: q.limit },
    });
  }
}

async function runs(poolName: string, queue: string, n: number, startInMs = -60_000): Promise<string[]> {
  const d = await applyDeployment(t, {
    flowName: `life-${poolName}`,
    name: queue,
    workPoolName: poolName,
    workQueueName: queue,
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(t.clock.now().getTime() + startInMs + i).toISOString();
    ids.push(await createRun(t, d.id, { scheduledStartTime: at }));
  }
  return ids;
}

const history = async (id: string) =>
  (await t.app.database.client.flowRunState.findMany({ where: { flowRunId: id }, orderBy: { timestamp: "asc" } })).map(
    (s) => ({ type: s.type, timestamp: s.timestamp.getTime() }),
  );

describe("claimFlowRuns with startRunning", () => {
  it("claims and starts each run in one call: PENDING then RUNNING, as two proposals would, each announced", async () => {
    await pool("start");
    const ids = await runs("start", "default", 3);
    const publish = vi.spyOn(t.app.events, "publish");
    try {
      const r = await t.ok(CLAIM, { input: { workPoolName: "start", workerName: "w", limit: 2, startRunning: true } });
      expect(r.claimFlowRuns.map((x) => x.id)).toEqual(ids.slice(0, 2));
      for (const run of r.claimFlowRuns) {
        expect(run).toMatchObject({ stateType: "RUNNING", runCount: 1, state: { type: "RUNNING", name: "Running" } });
        expect(run.startTime).not.toBeNull();
        const h = await history(run.id);
        expect(h.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING"]);
        expect(h[2]!.timestamp).toBeGreaterThan(h[1]!.timestamp);
      }
      const events = publish.mock.calls
        .filter(([topic]) => topic === "flow-run.state-changed")
        .map(([, e]) => [(e as any).flowRunId, (e as any).previousStateType, (e as any).stateType]);
      expect(events).toEqual([
        [ids[0], "SCHEDULED", "PENDING"],
        [ids[0], "PENDING", "RUNNING"],
        [ids[1], "SCHEDULED", "PENDING"],
        [ids[1], "PENDING", "RUNNING"],
      ]);
    } finally {
      publish.mockRestore();
    }
    // the run left behind is claimable as usual, and a started run is not claimed again
    const plain = await t.ok(CLAIM, { input: { workPoolName: "start", workerName: "w", limit: 5 } });
    expect(plain.claimFlowRuns.map((x) => [x.id, x.stateType])).toEqual([[ids[2], "PENDING"]]);
    // a started run finishes as any other
    expect((await t.ok(SET, { id: ids[0]!, type: "COMPLETED" })).setFlowRunState.status).toBe("ACCEPT");
  });

  it("claims a run that is not due yet but leaves it PENDING: its RUNNING proposal waits, like a separate one", async () => {
    await pool("early");
    const [early] = await runs("early", "default", 1, 3600_000);
    const ahead = new Date(t.clock.now().getTime() + 7200_000).toISOString();
    const r = await t.ok(CLAIM, {
      input: { workPoolName: "early", workerName: "w", scheduledBefore: ahead, startRunning: true },
    });
    expect(r.claimFlowRuns).toEqual([
      expect.objectContaining({ id: early, stateType: "PENDING", startTime: null, runCount: 0 }),
    ]);
    expect((await history(early!)).map((s) => s.type)).toEqual(["SCHEDULED", "PENDING"]);
    // the separate proposal answers the same, until the scheduled time
    const wait = (await t.ok(SET, { id: early!, type: "RUNNING" })).setFlowRunState;
    expect(wait.status).toBe("WAIT");
    expect(wait.delaySeconds).toBeGreaterThan(0);
    t.clock.advance(3601);
    expect((await t.ok(SET, { id: early!, type: "RUNNING" })).setFlowRunState.status).toBe("ACCEPT");
  });

  it("keeps the pool's and queues' limits with 8 racing workers, every run claimed and started once", async () => {
    await pool("race", 4, [
      { name: "a", limit: 2 },
      { name: "b", limit: null },
    ]);
    const all = [...(await runs("race", "a", 20)), ...(await runs("race", "b", 20))];
    const seen = new Map<string, string>();
    const worker = async (name: string) => {
      for (let idle = 0; idle < 40; ) {
        const r = await t.gql(CLAIM, {
          input: { workPoolName: "race", workerName: name, limit: 3, startRunning: true },
        });
        expect(r.errors).toBeUndefined();
        const got = r.data!.claimFlowRuns;
        if (got.length === 0) {
          const left = await t.app.database.client.flowRun.count({
            where: { id: { in: all }, stateType: { not: "COMPLETED" } },
          });
          if (left === 0) return;
          idle++;
          // a racing worker's back-off between empty claims (the load, not a wait; idle caps the loop)
          await new Promise((res) => setTimeout(res, 10));
          continue;
        }
        for (const run of got) {
          expect(seen.has(run.id), `run ${run.id} claimed by ${seen.get(run.id)} and ${name}`).toBe(false);
          seen.set(run.id, name);
          expect(run.stateType).toBe("RUNNING");
        }
        const done = await t.ok(SET_MANY, {
          p: got.map((x) => ({ flowRunId: x.id, state: { type: "COMPLETED" as const } })),
        });
        expect(done.setFlowRunStates.map((o) => [o.flowRunId, o.result?.status])).toEqual(
          got.map((x) => [x.id, "ACCEPT"]),
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => worker(`w${i}`)));
    expect(new Set(seen.keys())).toEqual(new Set(all));
    const histories = await runHistories(t.app.database, all);
    expect(peakConcurrency(histories, (r) => r.workQueueName).get("a")).toBeLessThanOrEqual(2);
    const peak = peakConcurrency(histories, () => "pool").get("pool")!;
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
    for (const id of all)
      expect((await history(id)).map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
  }, 90_000);

  it("cancels (CANCEL_NEW) runs over a deployment's limit without starting them", async () => {
    await pool("dep-limit");
    const d = await applyDeployment(t, {
      flowName: "life-dep",
      name: "one",
      workPoolName: "dep-limit",
      concurrencyLimit: 1,
      collisionStrategy: "CANCEL_NEW",
    });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const at = new Date(t.clock.now().getTime() - (2 - i) * 1000).toISOString();
      ids.push(await createRun(t, d.id, { scheduledStartTime: at }));
    }
    const r = await t.ok(CLAIM, {
      input: { workPoolName: "dep-limit", workerName: "w", limit: 10, startRunning: true },
    });
    expect(r.claimFlowRuns.map((x) => [x.id, x.stateType])).toEqual([[ids[0], "RUNNING"]]);
    expect((await history(ids[1]!)).map((s) => s.type)).toEqual(["SCHEDULED", "CANCELLED"]);
  });
});

describe("setFlowRunStates", () => {
  it("orchestrates each proposal on its own: a missing run, bad input or a repeated run fails only its entry", async () => {
    await pool("batch");
    const [a, b, c, d] = await runs("batch", "default", 4);
    for (const id of [a!, b!, c!])
      expect((await t.ok(SET, { id, type: "PENDING" })).setFlowRunState.status).toBe("ACCEPT");
    expect((await t.ok(SET, { id: c!, type: "RUNNING" })).setFlowRunState.status).toBe("ACCEPT");
    expect((await t.ok(SET, { id: c!, type: "COMPLETED" })).setFlowRunState.status).toBe("ACCEPT");
    const before = await history(d!);
    const r = await t.ok(SET_MANY, {
      p: [
        { flowRunId: a!, state: { type: "RUNNING" } },
        { flowRunId: "no-such-run", state: { type: "RUNNING" } },
        { flowRunId: d!, state: { type: "COMPLETED", scheduledTime: new Date().toISOString() } },
        { flowRunId: b!, state: { type: "RUNNING" } },
        { flowRunId: a!, state: { type: "COMPLETED" } },
        // refused by the rules, not an error: a completed run cannot run again
        { flowRunId: c!, state: { type: "RUNNING" } },
      ],
    });
    const out = r.setFlowRunStates;
    expect(out.map((o) => o.flowRunId)).toEqual([a, "no-such-run", d, b, a, c]);
    expect(out[0]).toMatchObject({
      error: null,
      result: { status: "ACCEPT", state: { type: "RUNNING" }, flowRun: { stateType: "RUNNING" } },
    });
    expect(out[1]).toMatchObject({ result: null, error: { code: "NOT_FOUND", field: "input.proposals[1].flowRunId" } });
    expect(out[1]!.error.message).toContain("no-such-run");
    expect(out[2]).toMatchObject({
      result: null,
      error: { code: "BAD_USER_INPUT", field: "input.proposals[2].state.scheduledTime" },
    });
    expect(out[3]).toMatchObject({ error: null, result: { status: "ACCEPT", state: { type: "RUNNING" } } });
    expect(out[4]).toMatchObject({
      result: null,
      error: { code: "BAD_USER_INPUT", field: "input.proposals[4].flowRunId" },
    });
    expect(out[4]!.error.message).toContain("index 0");
    expect(out[5]).toMatchObject({
      error: null,
      result: { status: "REJECT", state: { type: "COMPLETED" }, flowRun: { stateType: "COMPLETED" } },
    });
    expect(await history(d!)).toEqual(before);
    expect((await history(a!)).map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING"]);
    expect((await history(c!)).map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
  });

  it("applies the same rules as setFlowRunState: a PENDING proposal for a claimed run aborts, a not-due run waits", async () => {
    await pool("rules");
    const [claimed] = await runs("rules", "default", 1);
    const [later] = await runs("rules", "default", 1, 3600_000);
    await t.ok(CLAIM, { input: { workPoolName: "rules", workerName: "w" } });
    expect((await t.ok(SET, { id: later!, type: "PENDING" })).setFlowRunState.status).toBe("ACCEPT");
    const r = await t.ok(SET_MANY, {
      p: [
        { flowRunId: claimed!, state: { type: "PENDING" } },
        { flowRunId: later!, state: { type: "RUNNING" } },
      ],
    });
    expect(r.setFlowRunStates.map((o) => o.result.status)).toEqual(["ABORT", "WAIT"]);
    expect((await history(claimed!)).map((s) => s.type)).toEqual(["SCHEDULED", "PENDING"]);
    expect((await history(later!)).map((s) => s.type)).toEqual(["SCHEDULED", "PENDING"]);
  });

  it("refuses more than 200 proposals, and an empty list answers nothing", async () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ flowRunId: `r${i}`, state: { type: "RUNNING" as const } }));
    const r = await t.gql(SET_MANY, { p: many });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.proposals" });
    expect((await t.ok(SET_MANY, { p: [] })).setFlowRunStates).toEqual([]);
  });

  it("needs the scope each proposal would need alone: worker for states, run for cancelling, admin to force", async () => {
    const key = async (scope: ApiKeyScope) =>
      (
        await t.ok(graphql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`), {
          input: { name: `life-${scope}`, scopes: [scope] },
        })
      ).createApiKey.key;
    const worker = { authorization: `Bearer ${await key("WORKER")}` };
    const run = { authorization: `Bearer ${await key("RUN")}` };
    await pool("scopes");
    const [x, y] = await runs("scopes", "default", 2);
    const states = (p: SetFlowRunStateInput[]) => ({ p });
    const code = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors?.[0]?.extensions?.code;
    expect(code(await t.gqlWith(run, SET_MANY, states([{ flowRunId: x!, state: { type: "PENDING" } }])))).toBe(
      "FORBIDDEN",
    );
    expect(code(await t.gqlWith(worker, SET_MANY, states([{ flowRunId: x!, state: { type: "CANCELLING" } }])))).toBe(
      "FORBIDDEN",
    );
    expect(
      code(await t.gqlWith(worker, SET_MANY, states([{ flowRunId: x!, state: { type: "PENDING" }, force: true }]))),
    ).toBe("FORBIDDEN");
    // mixed: each key has only half of what the batch needs
    const mixed = states([
      { flowRunId: x!, state: { type: "PENDING" } },
      { flowRunId: y!, state: { type: "CANCELLING" } },
    ]);
    expect(code(await t.gqlWith(worker, SET_MANY, mixed))).toBe("FORBIDDEN");
    expect(code(await t.gqlWith(run, SET_MANY, mixed))).toBe("FORBIDDEN");
    expect((await history(x!)).map((s) => s.type)).toEqual(["SCHEDULED"]);
    const ok = await t.gqlWith(worker, SET_MANY, states([{ flowRunId: x!, state: { type: "PENDING" } }]));
    expect(ok.data?.setFlowRunStates[0]?.result.status).toBe("ACCEPT");
    const cancel = await t.gqlWith(run, SET_MANY, states([{ flowRunId: y!, state: { type: "CANCELLING" } }]));
    // a scheduled run with nothing running is cancelled at once (BypassCancellingFlowRunsWithNoInfra)
    expect(cancel.data?.setFlowRunStates[0]?.result).toMatchObject({ status: "REJECT", state: { type: "CANCELLED" } });
    // startRunning is part of a claim: worker scope, as claimFlowRuns
    expect(
      code(await t.gqlWith(run, CLAIM, { input: { workPoolName: "scopes", workerName: "w", startRunning: true } })),
    ).toBe("FORBIDDEN");
  });
});
