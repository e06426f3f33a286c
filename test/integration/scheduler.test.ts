// The scheduler service on a real database with a controllable clock: how many runs each kind of
// schedule gets, what they carry, idempotence (re-apply, restart, two schedulers at once), what
// pausing/changing deletes, resuming, Late marking, and the schedule preview query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { startReplica } from "../harness/replica.js";
import type { DeploymentInput } from "../harness/generated/graphql.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // every pass here — this app's and the replica's — sees the same instant unless a test advances it
  t.clock.freeze();
});
afterAll(async () => {
  await t.close();
});

const APPLY = graphql(`
  mutation($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id schedules { id } } } }
`);
let seq = 0;

async function apply(input: Omit<DeploymentInput, "flowName">): Promise<string> {
  const r = await t.ok(APPLY, { input: { flowName: "sched", ...input } });
  return r.applyDeployment.deployment.id;
}

function runsOf(deploymentId: string) {
  return t.app.database.client.flowRun.findMany({
    where: { deploymentId },
    orderBy: { expectedStartTime: "asc" },
    include: { state: true },
  });
}

const pass = () => t.app.services.scheduling.schedule();

describe("how far ahead each schedule is kept", () => {
  it("every minute → about an hour of runs (61), daily → 3, yearly beyond 100 days → none", async () => {
    const minute = await apply({ name: `m${++seq}`, schedules: [{ schedule: { cron: { cron: "* * * * *" } } }] });
    const daily = await apply({ name: `d${++seq}`, schedules: [{ schedule: { interval: { interval: 86400 } } }] });
    const far = new Date(t.clock.now().getTime() + 200 * 86400_000);
    const yearly = await apply({
      name: `y${++seq}`,
      schedules: [{ schedule: { cron: { cron: `0 0 ${far.getUTCDate()} ${far.getUTCMonth() + 1} *` } } }],
    });
    const r = await pass();
    expect(r.runsInserted).toBeGreaterThan(0);
    const m = await runsOf(minute);
    expect(m.length).toBeGreaterThanOrEqual(60);
    expect(m.length).toBeLessThanOrEqual(61);
    expect((await runsOf(daily)).length).toBe(3);
    expect((await runsOf(yearly)).length).toBe(0);
  });

  it("gives runs the deployment's and the schedule's parameters, tags + auto-scheduled, version and queue", async () => {
    const id = await apply({
      name: `carry${++seq}`,
      version: "7",
      tags: ["etl"],
      parameters: { a: 1, b: 1 },
      workPoolName: "pool-s",
      workQueueName: "q-s",
      schedules: [{ slug: "hourly", parameters: { b: 2 }, schedule: { interval: { interval: 3600 } } }],
    });
    await pass();
    const runs = await runsOf(id);
    expect(runs.length).toBe(3);
    for (const run of runs) {
      expect(run).toMatchObject({
        autoScheduled: true,
        parameters: { a: 1, b: 2 },
        tags: ["auto-scheduled", "etl"],
        deploymentVersion: "7",
        workQueueName: "q-s",
        stateType: "SCHEDULED",
        stateName: "Scheduled",
        scheduleKey: "hourly",
      });
      expect(run.idempotencyKey).toBe(`scheduled:${id}:hourly:${run.expectedStartTime!.toISOString()}`);
      expect(run.nextScheduledStartTime).toEqual(run.expectedStartTime);
      expect(run.state?.scheduledTime).toEqual(run.expectedStartTime);
    }
    const gql = await t.ok(
      graphql(`
        query($id: ID!) { flowRuns(filter: { deploymentId: $id, autoScheduled: true }) { totalCount edges { node { workPool { name } states { type } } } } }
      `),
      { id },
    );
    expect(gql.flowRuns.totalCount).toBe(3);
    expect(gql.flowRuns.edges[0]!.node).toEqual({ workPool: { name: "pool-s" }, states: [{ type: "SCHEDULED" }] });
  });
});

describe("idempotence", () => {
  it("creates no duplicates on a second pass, after re-applying, or after a restart", async () => {
    const input = {
      name: `idem${++seq}`,
      schedules: [{ schedule: { cron: { cron: "0 9 * * *", timezone: "Europe/Paris" } } }],
    };
    const id = await apply(input);
    await pass();
    const before = (await runsOf(id)).map((r) => r.id);
    expect(before.length).toBe(3);
    expect((await pass()).runsInserted).toBe(0);
    await apply(input);
    await pass();
    expect((await runsOf(id)).map((r) => r.id)).toEqual(before);
    // a "restart": a second server process on the same database schedules again
    const replica = await startReplica(t);
    try {
      expect((await replica.schedule(t.clock.now())).runsInserted).toBe(0);
    } finally {
      await replica.stop();
    }
    expect((await runsOf(id)).map((r) => r.id)).toEqual(before);
  });

  it("never duplicates a run when two schedulers run at the same time", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await apply({ name: `race${++seq}`, schedules: [{ schedule: { cron: { cron: "* * * * *" } } }] }));
    const replica = await startReplica(t);
    try {
      const [a, b] = await Promise.all([pass(), replica.schedule(t.clock.now())]);
      const counts = await Promise.all(ids.map(async (id) => (await runsOf(id)).length));
      const total = counts.reduce((x, y) => x + y, 0);
      // both passes together inserted exactly the rows that exist: nothing twice
      expect(a.runsInserted + b.runsInserted).toBe(total);
      for (const c of counts) expect(c).toBeGreaterThanOrEqual(60);
      const keys = (
        await t.app.database.client.flowRun.findMany({
          where: { deploymentId: { in: ids } },
          select: { idempotencyKey: true },
        })
      ).map((r) => r.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      await replica.stop();
    }
  });
});

describe("what changes delete", () => {
  it("pausing deletes exactly the future, auto-scheduled, never-run runs; resuming refills in the fast pass", async () => {
    const id = await apply({ name: `pause${++seq}`, schedules: [{ schedule: { interval: { interval: 600 } } }] });
    await pass();
    const runs = await runsOf(id);
    expect(runs.length).toBeGreaterThanOrEqual(6);
    // one auto run already claimed, one manual run, one late auto run (start in the past)
    await t.ok(
      graphql(`mutation($id: ID!) { setFlowRunState(input: { flowRunId: $id, state: { type: PENDING } }) { status } }`),
      { id: runs[0]!.id },
    );
    const manual = await t.ok(
      graphql(`
        mutation($id: ID!) { createFlowRun(input: { deploymentId: $id, scheduledStartTime: "2099-01-01T00:00:00Z" }) { id } }
      `),
      { id },
    );
    await t.app.database.client.flowRun.update({
      where: { id: runs[1]!.id },
      data: { nextScheduledStartTime: new Date(t.clock.now().getTime() - 60_000) },
    });

    t.clock.advance(1); // the frozen clock: the resume below is the only change after `since`
    const since = t.clock.now();
    await t.ok(graphql(`mutation($id: ID!) { pauseDeployment(id: $id) { paused } }`), { id });
    const left = (await runsOf(id)).map((r) => r.id).sort();
    expect(left).toEqual([runs[0]!.id, runs[1]!.id, manual.createFlowRun.id].sort());
    expect((await pass()).runsInserted).toBe(0);

    await t.ok(graphql(`mutation($id: ID!) { resumeDeployment(id: $id) { paused } }`), { id });
    const fast = await t.app.services.scheduling.schedule({ changedSince: since });
    expect(fast.deployments).toBe(1);
    expect(fast.runsInserted).toBeGreaterThan(0);
  });

  it("re-applying with one schedule changed deletes only that schedule's future runs", async () => {
    const keep = { slug: "keep", schedule: { interval: { interval: 3600 } } };
    const id = await apply({
      name: `change${++seq}`,
      schedules: [keep, { slug: "moves", schedule: { cron: { cron: "0 * * * *" } } }],
    });
    await pass();
    const before = await runsOf(id);
    const kept = before.filter((r) => r.scheduleKey === "keep").map((r) => r.id);
    expect(kept.length).toBe(3);
    await apply({
      name: `change${seq}`,
      schedules: [keep, { slug: "moves", schedule: { cron: { cron: "30 * * * *" } } }],
    });
    const after = await runsOf(id);
    expect(after.filter((r) => r.scheduleKey === "keep").map((r) => r.id)).toEqual(kept);
    expect(after.filter((r) => r.scheduleKey === "moves")).toEqual([]);
    await pass();
    const moved = (await runsOf(id)).filter((r) => r.scheduleKey === "moves");
    expect(moved.length).toBe(3);
    for (const r of moved) expect(r.expectedStartTime!.getUTCMinutes()).toBe(30);
  });

  it("deleting a deployment removes its scheduled runs", async () => {
    const id = await apply({ name: `del${++seq}`, schedules: [{ schedule: { interval: { interval: 3600 } } }] });
    await pass();
    expect((await runsOf(id)).length).toBe(3);
    await t.ok(graphql(`mutation($id: ID!) { deleteDeployment(id: $id) }`), { id });
    expect(
      await t.app.database.client.flowRun.count({ where: { idempotencyKey: { startsWith: `scheduled:${id}:` } } }),
    ).toBe(0);
  });
});

describe("late runs", () => {
  it("labels a SCHEDULED run more than 15 s past its start Late, keeping its type and start", async () => {
    const id = await apply({ name: `late${++seq}` });
    const create = graphql(`
      mutation($id: ID!, $at: DateTime) { createFlowRun(input: { deploymentId: $id, scheduledStartTime: $at }) { id } }
    `);
    const at = new Date(t.clock.now().getTime() + 10_000).toISOString();
    const run = (await t.ok(create, { id, at })).createFlowRun.id;
    const retrying = (
      await t.ok(
        graphql(`
          mutation($id: ID!, $at: DateTime) { createFlowRun(input: { deploymentId: $id, scheduledStartTime: $at, retries: 1 }) { id } }
        `),
        { id, at },
      )
    ).createFlowRun.id;
    await t.app.database.client.flowRun.update({ where: { id: retrying }, data: { stateName: "AwaitingRetry" } });

    t.clock.advance(20); // 10 s past the start: not late yet
    await t.app.services.scheduling.markLateRuns();
    const q = graphql(`
      query($id: ID!) { flowRun(id: $id) { stateType stateName nextScheduledStartTime states { name } } }
    `);
    expect((await t.ok(q, { id: run })).flowRun.stateName).toBe("Scheduled");

    t.clock.advance(10); // 20 s past
    expect(await t.app.services.scheduling.markLateRuns()).toBeGreaterThanOrEqual(1);
    const late = (await t.ok(q, { id: run })).flowRun;
    expect(late).toMatchObject({ stateType: "SCHEDULED", stateName: "Late" });
    expect(new Date(late.nextScheduledStartTime).getTime()).toBe(new Date(at).getTime());
    expect(late.states.map((s) => s.name)).toEqual(["Scheduled", "Late"]);
    expect((await t.ok(q, { id: retrying })).flowRun.stateName).toBe("AwaitingRetry");
    await t.app.services.scheduling.markLateRuns();
    expect((await t.ok(q, { id: run })).flowRun.states).toHaveLength(2);
  });
});

describe("previewSchedule", () => {
  it("shows the next dates of a schedule input before it is applied", async () => {
    const r = await t.ok(
      graphql(`
        { previewSchedule(schedule: { cron: { cron: "0 9 * * *", timezone: "America/New_York" } }, count: 3, after: "2026-03-07T00:00:00Z") }
      `),
    );
    expect(r.previewSchedule).toEqual([
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
  });

  it("rejects a bad schedule or count with BAD_USER_INPUT naming the field", async () => {
    const bad = await t.gql(graphql(`{ previewSchedule(schedule: { cron: { cron: "61 * * * *" } }) }`));
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "schedule.cron.cron" });
    const count = await t.gql(graphql(`{ previewSchedule(schedule: { interval: { interval: 60 } }, count: 0) }`));
    expect(count.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "count" });
  });
});
