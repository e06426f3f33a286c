// Where Prefect's own tests disagreed with Ordo, through GraphQL: wrap-around and six-field crons,
// rrules of only exclusions, RRuleSchedule.dtstart, and what `force` and pausing still obey.
// Prefect references: tests/server/schemas/test_schedules.py, tests/server/orchestration/test_core_policy.py
// (HandlePausingFlows, HandleResumingPausedFlows, MinimalFlowPolicy), PrefectHQ/prefect#21955.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import type { DeploymentScheduleInput, StateInput } from "../harness/generated/graphql.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) {
    applyDeployment(input: $input) {
      deployment { id schedules { schedule { __typename ... on CronSchedule { cron } ... on RRuleSchedule { rrule timezone dtstart } } } }
    }
  }
`);
const SET_STATE = graphql(`
  mutation Set($input: SetFlowRunStateInput!) {
    setFlowRunState(input: $input) { status reason state { type name data } flowRun { stateType retryPolicy } }
  }
`);

let t: TestApp;
let deploymentId: string;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.freeze(new Date("2026-03-01T12:34:56Z"));
  deploymentId = (await applyDeployment(t, { flowName: "parity", name: "d", workPoolName: "parity-pool" })).id;
});
afterAll(async () => {
  await t.close();
});

const apply = (name: string, schedules: DeploymentScheduleInput[]) =>
  t.gql(APPLY, { input: { flowName: "parity", name, schedules } });
const preview = async (schedule: unknown, count = 4) =>
  (
    await t.ok(
      `query P($s: ScheduleInput!, $a: DateTime) { previewSchedule(schedule: $s, after: $a, count: ${count}) }`,
      { s: schedule, a: "2026-01-01T00:00:00Z" },
    )
  ).previewSchedule;

describe("schedules through the API", () => {
  it("test_cron_schedule_wraparound_dow: 30 8 * * sat-sun is accepted and fires on weekends", async () => {
    const r = await apply("weekend", [{ schedule: { cron: { cron: "30 8 * * sat-sun" } } }]);
    expect(r.errors).toBeUndefined();
    expect(r.data!.applyDeployment.deployment.schedules[0]!.schedule).toEqual({
      __typename: "CronSchedule",
      cron: "30 8 * * sat-sun",
    });
    expect(await preview({ cron: { cron: "30 8 * * sat-sun" } })).toEqual(
      ["2026-01-03", "2026-01-04", "2026-01-10", "2026-01-11"].map((d) => `${d}T08:30:00.000Z`),
    );
  });

  it("a six-field cron is refused with BAD_USER_INPUT naming the field and the extra value", async () => {
    const r = await apply("six", [{ schedule: { cron: { cron: "0 9 * * * MON" } } }]);
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.schedules[0].schedule.cron.cron",
    });
    expect(r.errors?.[0]?.message).toMatch(/6 fields.*sixth field "MON"/);
  });

  it("test_rrule_schedule_exdate_only: accepted, and produces no runs", async () => {
    const rrule = "DTSTART:20260101T090000\nEXDATE:20260105T090000";
    const r = await apply("never", [{ schedule: { rrule: { rrule } } }]);
    expect(r.errors).toBeUndefined();
    expect(await preview({ rrule: { rrule } }, 10)).toEqual([]);
    const runs = await t.ok(
      `query { deployment(id: "${r.data!.applyDeployment.deployment.id}") { flowRuns(first: 5) { totalCount } } }`,
    );
    expect(runs.deployment.flowRuns.totalCount).toBe(0);
  });

  it("RRuleSchedule.dtstart shows the DTSTART pinned on write (and the text's own one when written)", async () => {
    const pinned = await apply("pinned", [
      { schedule: { rrule: { rrule: "FREQ=DAILY;BYHOUR=9", timezone: "Europe/Berlin" } } },
    ]);
    // the pin is the last grid point (daily, from 2020-01-01 00:00 Berlin) at or before now
    expect(pinned.data!.applyDeployment.deployment.schedules[0]!.schedule).toEqual({
      __typename: "RRuleSchedule",
      rrule: "RRULE:FREQ=DAILY;BYHOUR=9",
      timezone: "Europe/Berlin",
      dtstart: "2026-02-28T23:00:00.000Z",
    });
    const written = await apply("written", [
      { schedule: { rrule: { rrule: "DTSTART;TZID=America/New_York:20260110T090000\nRRULE:FREQ=WEEKLY" } } },
    ]);
    // a union: its RRuleSchedule member has dtstart
    const writtenSchedule = written.data!.applyDeployment.deployment.schedules[0]!.schedule as { dtstart: string };
    expect(writtenSchedule.dtstart).toBe("2026-01-10T14:00:00.000Z");
  });
});

async function newRun(): Promise<string> {
  return createRun(t, deploymentId);
}
async function propose(flowRunId: string, state: StateInput, force?: boolean) {
  return (await t.ok(SET_STATE, { input: { flowRunId, state, ...(force === undefined ? {} : { force }) } }))
    .setFlowRunState;
}
async function walk(id: string, ...states: StateInput[]): Promise<void> {
  for (const state of states) expect((await propose(id, state)).status, JSON.stringify(state)).toBe("ACCEPT");
}

describe("force still runs Prefect's MinimalFlowPolicy", () => {
  it("PrefectHQ/prefect#21955: COMPLETED with a result → COMPLETED without it is refused, even forced", async () => {
    const id = await newRun();
    await walk(id, { type: "PENDING" }, { type: "RUNNING" }, { type: "COMPLETED", data: { storageKey: "results/1" } });
    for (const force of [false, true]) {
      const r = await propose(id, { type: "COMPLETED" }, force);
      expect(r).toMatchObject({ status: "REJECT", state: { type: "COMPLETED", data: { storageKey: "results/1" } } });
      expect(r.reason).toMatch(/stored result/);
    }
    // keeping a result, or leaving COMPLETED by force, is still possible
    expect((await propose(id, { type: "COMPLETED", data: { storageKey: "results/2" } }, true)).status).toBe("ACCEPT");
    expect((await propose(id, { type: "RUNNING" }, true)).status).toBe("ACCEPT");
  });

  it("a forced CANCELLING of a scheduled run with no infrastructure goes straight to CANCELLED", async () => {
    const id = await newRun();
    const r = await propose(id, { type: "CANCELLING" }, true);
    expect(r).toMatchObject({ status: "REJECT", state: { type: "CANCELLED" }, flowRun: { stateType: "CANCELLED" } });
  });
});

describe("pausing and resuming", () => {
  it("a pause without a key records a random one (HandlePausingFlows)", async () => {
    const id = await newRun();
    await walk(id, { type: "PENDING" }, { type: "RUNNING" });
    const paused = await propose(id, { type: "PAUSED" });
    expect(paused.status).toBe("ACCEPT");
    expect(paused.flowRun.retryPolicy.pauseKeys).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    await walk(id, { type: "RUNNING" }, { type: "PAUSED" });
    const keys = (await propose(id, { type: "RUNNING" })).flowRun.retryPolicy.pauseKeys;
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });

  it("a suspended run whose deployment is gone may not go to RUNNING (HandleResumingPausedFlows), but can be stopped", async () => {
    const own = (await applyDeployment(t, { flowName: "parity", name: "doomed", workPoolName: "parity-pool" })).id;
    const id = await createRun(t, own);
    await walk(
      id,
      { type: "PENDING" },
      { type: "RUNNING" },
      { type: "PAUSED", name: "Suspended", details: { pauseReschedule: true } },
    );
    expect((await t.ok(`mutation { deleteDeployment(id: "${own}") }`)).deleteDeployment).toBe(true);
    const resume = await propose(id, { type: "RUNNING" });
    expect(resume).toMatchObject({
      status: "REJECT",
      state: { type: "PAUSED" },
      reason: "Cannot resume a suspended run that has no deployment.",
    });
    expect((await propose(id, { type: "SCHEDULED" })).status).not.toBe("ACCEPT");
    expect((await propose(id, { type: "CANCELLED" })).status).toBe("ACCEPT");
  });
});
