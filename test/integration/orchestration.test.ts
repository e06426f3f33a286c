// setFlowRunState end to end: each orchestration rule firing and not firing, force, and the run's bookkeeping.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { applyDeployment } from "../harness/factories.js";
import type { StateType } from "../harness/generated/graphql.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

graphql(`
  fragment OrchestrationRun on FlowRun {
    id stateType stateName runCount startTime endTime totalRunTime expectedStartTime nextScheduledStartTime retryPolicy
    state { id type name timestamp scheduledTime message details }
    states { id type name scheduledTime }
  }
`);

const SET_STATE = graphql(`
  mutation Set($input: SetFlowRunStateInput!) {
    setFlowRunState(input: $input) {
      status reason delaySeconds
      state { id type name timestamp scheduledTime message details }
      flowRun { ...OrchestrationRun }
    }
  }
`);

const CREATE = graphql(`
  mutation Create($input: CreateFlowRunInput!) { createFlowRun(input: $input) { ...OrchestrationRun } }
`);

interface Proposal {
  type: StateType;
  name?: string;
  message?: string;
  scheduledTime?: string;
  details?: { transitionId?: string; pauseKey?: string; pauseTimeout?: string; pauseReschedule?: boolean };
}

let t: TestApp;
let deploymentId: string;

beforeAll(async () => {
  t = await createTestApp();
  deploymentId = (await applyDeployment(t, { flowName: "orch", name: "d", workPoolName: "orch-pool" })).id;
});
afterAll(async () => {
  await t.close();
});

async function newRun(input: Record<string, unknown> = {}) {
  return (await t.ok(CREATE, { input: { deploymentId, ...input } })).createFlowRun;
}

async function propose(flowRunId: string, state: Proposal, force?: boolean) {
  return (await t.ok(SET_STATE, { input: { flowRunId, state, ...(force === undefined ? {} : { force }) } }))
    .setFlowRunState;
}

/** Proposes each state in turn, expecting every one to be accepted. */
async function walk(flowRunId: string, ...types: StateType[]) {
  const accepted = [];
  for (const type of types) {
    const last = await propose(flowRunId, { type });
    expect(last.status, `${type}: ${last.reason}`).toBe("ACCEPT");
    accepted.push(last);
  }
  return accepted.at(-1)!;
}

async function runAt(...types: StateType[]) {
  const run = await newRun();
  if (types.length) await walk(run.id, ...types);
  return run;
}

const ms = (iso: string | null | undefined) => (iso == null ? NaN : Date.parse(iso));
const now = () => t.clock.now().getTime();

describe("HandleFlowTerminalStateTransitions", () => {
  it("rejects COMPLETED → RUNNING, answering with the current state and writing nothing", async () => {
    const run = await runAt("PENDING", "RUNNING", "COMPLETED");
    const r = await propose(run.id, { type: "RUNNING" });
    expect(r.status).toBe("REJECT");
    expect(r.reason).toMatch(/completed/i);
    expect(r.state).toMatchObject({ type: "COMPLETED", name: "Completed" });
    expect(r.flowRun.stateType).toBe("COMPLETED");
    expect(r.flowRun.state.id).toBe(r.state.id);
    expect(r.flowRun.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    expect(r.flowRun.runCount).toBe(1);
    expect(r.flowRun.endTime).not.toBeNull();
  });

  it("aborts FAILED → CANCELLING", async () => {
    const run = await runAt("PENDING", "RUNNING", "FAILED");
    const r = await propose(run.id, { type: "CANCELLING" });
    expect(r.status).toBe("ABORT");
    expect(r.reason).toMatch(/terminal state FAILED/);
    expect(r.state).toMatchObject({ type: "FAILED" });
    expect(r.flowRun.stateType).toBe("FAILED");
    expect(r.flowRun.states).toHaveLength(4);
  });

  it("accepts FAILED → SCHEDULED for a deployment run, reopening it", async () => {
    const run = await runAt("PENDING", "RUNNING", "FAILED");
    const at = new Date(now() + 60_000).toISOString();
    const r = await propose(run.id, { type: "SCHEDULED", scheduledTime: at });
    expect(r.status).toBe("ACCEPT");
    expect(r.reason).toBeNull();
    expect(r.state).toMatchObject({ type: "SCHEDULED", name: "Scheduled", scheduledTime: at });
    expect(r.flowRun).toMatchObject({
      stateType: "SCHEDULED",
      stateName: "Scheduled",
      endTime: null,
      nextScheduledStartTime: at,
      runCount: 1,
    });
    expect(r.flowRun.retryPolicy).toMatchObject({ retryType: "reschedule", pauseKeys: [], resuming: false });
    expect(r.flowRun.states).toHaveLength(5);
  });
});

describe("EnforceCancellingToCancelledTransition", () => {
  it("rejects CANCELLING → RUNNING and accepts CANCELLING → CANCELLED", async () => {
    const run = await runAt("PENDING", "RUNNING", "CANCELLING");
    const r = await propose(run.id, { type: "RUNNING" });
    expect(r.status).toBe("REJECT");
    expect(r.reason).toMatch(/cancel/i);
    expect(r.state).toMatchObject({ type: "CANCELLING" });
    expect(r.flowRun.stateType).toBe("CANCELLING");
    expect(r.flowRun.states).toHaveLength(4);

    const done = await propose(run.id, { type: "CANCELLED" });
    expect(done.status).toBe("ACCEPT");
    expect(done.flowRun).toMatchObject({ stateType: "CANCELLED", stateName: "Cancelled" });
    expect(done.flowRun.endTime).not.toBeNull();
    expect(done.flowRun.states.map((s) => s.type)).toEqual([
      "SCHEDULED",
      "PENDING",
      "RUNNING",
      "CANCELLING",
      "CANCELLED",
    ]);
  });
});

describe("BypassCancellingFlowRunsWithNoInfra", () => {
  it("turns SCHEDULED → CANCELLING of a run with no infrastructure into CANCELLED", async () => {
    const run = await newRun();
    const r = await propose(run.id, { type: "CANCELLING" });
    expect(r.status).toBe("REJECT");
    expect(r.reason).toMatch(/no infrastructure/);
    expect(r.state).toMatchObject({ type: "CANCELLED", name: "Cancelled" });
    expect(r.state.message).toEqual(expect.any(String));
    expect(r.flowRun).toMatchObject({ stateType: "CANCELLED", stateName: "Cancelled", nextScheduledStartTime: null });
    expect(r.flowRun.endTime).not.toBeNull();
    expect(r.flowRun.states.map((s) => s.type)).toEqual(["SCHEDULED", "CANCELLED"]);
    expect(r.flowRun.state.id).toBe(r.state.id);
  });

  it("keeps the message of the cancel request", async () => {
    const run = await newRun();
    const r = await propose(run.id, { type: "CANCELLING", message: "user asked" });
    expect(r.state).toMatchObject({ type: "CANCELLED", message: "user asked" });
  });

  it("moves PENDING and RUNNING runs to CANCELLING normally", async () => {
    for (const at of ["PENDING", "RUNNING"] as const) {
      const run = await runAt(...(at === "PENDING" ? (["PENDING"] as const) : (["PENDING", "RUNNING"] as const)));
      const r = await propose(run.id, { type: "CANCELLING" });
      expect(r.status, at).toBe("ACCEPT");
      expect(r.state).toMatchObject({ type: "CANCELLING", name: "Cancelling" });
      expect(r.flowRun.stateType).toBe("CANCELLING");
      expect(r.flowRun.endTime).toBeNull();
    }
  });
});

describe("PreventPendingTransitions (the claim guard)", () => {
  it("accepts the first PENDING and aborts a second one", async () => {
    const run = await newRun();
    const first = await propose(run.id, { type: "PENDING" });
    expect(first.status).toBe("ACCEPT");
    expect(first.state).toMatchObject({ type: "PENDING", name: "Pending" });
    // CopyScheduledTime carries the schedule onto the claim
    expect(first.state.scheduledTime).toBe(run.state.scheduledTime);
    expect(first.flowRun.nextScheduledStartTime).toBeNull();

    const second = await propose(run.id, { type: "PENDING" });
    expect(second.status).toBe("ABORT");
    expect(second.reason).toMatch(/PENDING state and cannot transition to a PENDING state/);
    expect(second.state.id).toBe(first.state.id);
    expect(second.flowRun.states.filter((s) => s.type === "PENDING")).toHaveLength(1);
  });

  it("accepts PENDING → PENDING named Submitting, keeping the scheduled time", async () => {
    const run = await runAt("PENDING");
    const r = await propose(run.id, { type: "PENDING", name: "Submitting" });
    expect(r.status).toBe("ACCEPT");
    expect(r.state).toMatchObject({ type: "PENDING", name: "Submitting", scheduledTime: run.state.scheduledTime });
    expect(r.flowRun.stateName).toBe("Submitting");
    // a plain Pending after it is a second claim again
    expect((await propose(run.id, { type: "PENDING" })).status).toBe("ABORT");
  });

  it("aborts a claim of a RUNNING run", async () => {
    const run = await runAt("PENDING", "RUNNING");
    const r = await propose(run.id, { type: "PENDING" });
    expect(r.status).toBe("ABORT");
    expect(r.flowRun.stateType).toBe("RUNNING");
  });
});

describe("WaitForScheduledTime", () => {
  it("answers WAIT for RUNNING before the scheduled time, then ACCEPT once the clock passed it", async () => {
    const run = await newRun({ scheduledStartTime: new Date(now() + 120_000).toISOString() });
    const early = await propose(run.id, { type: "RUNNING" });
    expect(early.status).toBe("WAIT");
    expect(early.delaySeconds).toBeGreaterThanOrEqual(118);
    expect(early.delaySeconds).toBeLessThanOrEqual(120);
    expect(early.reason).toMatch(/scheduled to start/);
    expect(early.state.type).toBe("SCHEDULED");
    expect(early.flowRun).toMatchObject({ stateType: "SCHEDULED", runCount: 0, startTime: null });
    expect(early.flowRun.states).toHaveLength(1);

    // a worker may claim ahead of time; the executor still waits on PENDING → RUNNING
    expect((await propose(run.id, { type: "PENDING" })).status).toBe("ACCEPT");
    const stillEarly = await propose(run.id, { type: "RUNNING" });
    expect(stillEarly.status).toBe("WAIT");
    expect(stillEarly.delaySeconds).toBeGreaterThan(100);

    t.clock.advance(121);
    const onTime = await propose(run.id, { type: "RUNNING" });
    expect(onTime.status).toBe("ACCEPT");
    expect(onTime.flowRun).toMatchObject({ stateType: "RUNNING", runCount: 1 });
    expect(onTime.flowRun.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING"]);
  });
});

describe("HandlePausingFlows / HandleResumingPausedFlows", () => {
  it("pauses a RUNNING run and resumes it without counting another run", async () => {
    const run = await runAt("PENDING", "RUNNING");
    const paused = await propose(run.id, { type: "PAUSED", details: { pauseKey: "approval" } });
    expect(paused.status).toBe("ACCEPT");
    expect(paused.state).toMatchObject({ type: "PAUSED", name: "Paused", details: { pauseKey: "approval" } });
    expect(paused.flowRun.retryPolicy.pauseKeys).toEqual(["approval"]);

    const resumed = await propose(run.id, { type: "RUNNING" });
    expect(resumed.status).toBe("ACCEPT");
    expect(resumed.flowRun).toMatchObject({ stateType: "RUNNING", runCount: 1 });
    expect(resumed.flowRun.retryPolicy.resuming).toBe(false);

    // the same pause point reached again after resuming does not pause the run twice
    const again = await propose(run.id, { type: "PAUSED", details: { pauseKey: "approval" } });
    expect(again.status).toBe("REJECT");
    expect(again.reason).toMatch(/already fired/);
    expect(again.state.type).toBe("RUNNING");
    expect(again.flowRun.states).toHaveLength(5);

    const otherKey = await propose(run.id, { type: "PAUSED", details: { pauseKey: "second" } });
    expect(otherKey.status).toBe("ACCEPT");
    expect(otherKey.flowRun.retryPolicy.pauseKeys).toEqual(["approval", "second"]);
  });

  it("rejects pausing a run that is not RUNNING", async () => {
    const run = await newRun();
    const r = await propose(run.id, { type: "PAUSED" });
    expect(r.status).toBe("REJECT");
    expect(r.reason).toMatch(/not running/);
    expect(r.state.type).toBe("SCHEDULED");
    expect(r.flowRun.states).toHaveLength(1);
  });

  it("rejects PAUSED → PENDING", async () => {
    const run = await runAt("PENDING", "RUNNING", "PAUSED");
    const r = await propose(run.id, { type: "PENDING" });
    expect(r.status).toBe("REJECT");
    expect(r.reason).toMatch(/PENDING state from the PAUSED state/);
    expect(r.state.type).toBe("PAUSED");
    expect(r.flowRun.stateType).toBe("PAUSED");
  });
});

describe("RetryFailedFlows", () => {
  it("turns the first failure into AwaitingRetry, and accepts the failure after the retry", async () => {
    const run = await newRun({ retries: 1, retryDelaySeconds: 30 });
    await walk(run.id, "PENDING", "RUNNING");
    const before = now();
    const r = await propose(run.id, { type: "FAILED", message: "boom" });
    const after = now();
    expect(r.status).toBe("REJECT");
    expect(r.reason).toMatch(/Retrying/);
    expect(r.state).toMatchObject({ type: "SCHEDULED", name: "AwaitingRetry", message: "boom" });
    const retryAt = ms(r.state.scheduledTime);
    expect(retryAt).toBeGreaterThanOrEqual(before + 30_000);
    expect(retryAt).toBeLessThanOrEqual(after + 30_000);
    expect(r.flowRun).toMatchObject({ stateType: "SCHEDULED", stateName: "AwaitingRetry", endTime: null, runCount: 1 });
    expect(ms(r.flowRun.nextScheduledStartTime)).toBe(retryAt);
    expect(r.flowRun.retryPolicy.retryType).toBe("in_process");
    expect(r.flowRun.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "SCHEDULED"]);

    // the retry waits out its delay
    expect((await propose(run.id, { type: "RUNNING" })).status).toBe("WAIT");
    t.clock.advance(31);
    const retry = await propose(run.id, { type: "RUNNING" });
    expect(retry.status).toBe("ACCEPT");
    expect(retry.flowRun.runCount).toBe(2);

    const failed = await propose(run.id, { type: "FAILED" });
    expect(failed.status).toBe("ACCEPT");
    expect(failed.state.type).toBe("FAILED");
    expect(failed.flowRun).toMatchObject({ stateType: "FAILED", runCount: 2 });
    expect(failed.flowRun.endTime).not.toBeNull();
    expect(failed.flowRun.retryPolicy.retryType).toBeNull();
  });

  it("accepts FAILED at once for a run without retries", async () => {
    const run = await runAt("PENDING", "RUNNING");
    const r = await propose(run.id, { type: "FAILED" });
    expect(r.status).toBe("ACCEPT");
    expect(r.flowRun.stateType).toBe("FAILED");
  });
});

describe("EnsureOnlyScheduledFlowsMarkedLate", () => {
  it("marks a SCHEDULED run Late once and rejects the second time", async () => {
    const run = await newRun();
    const scheduledTime = run.state.scheduledTime;
    const late = await propose(run.id, { type: "SCHEDULED", name: "Late", scheduledTime });
    expect(late.status).toBe("ACCEPT");
    expect(late.state).toMatchObject({ type: "SCHEDULED", name: "Late", scheduledTime });
    expect(late.flowRun).toMatchObject({ stateName: "Late", nextScheduledStartTime: scheduledTime });

    const again = await propose(run.id, { type: "SCHEDULED", name: "Late", scheduledTime });
    expect(again.status).toBe("REJECT");
    expect(again.reason).toMatch(/Late/);
    expect(again.state.id).toBe(late.state.id);
    expect(again.flowRun.states).toHaveLength(2);
  });

  it("rejects marking a claimed run Late", async () => {
    const run = await runAt("PENDING");
    const r = await propose(run.id, { type: "SCHEDULED", name: "Late" });
    expect(r.status).toBe("REJECT");
    expect(r.flowRun.stateType).toBe("PENDING");
  });
});

describe("PreventDuplicateTransitions", () => {
  it("answers a repeated transitionId with the current state and writes nothing", async () => {
    const run = await runAt("PENDING");
    const first = await propose(run.id, { type: "RUNNING", details: { transitionId: "tx-1" } });
    expect(first.status).toBe("ACCEPT");
    expect(first.state.details).toEqual({ transitionId: "tx-1" });
    const repeat = await propose(run.id, { type: "RUNNING", details: { transitionId: "tx-1" } });
    expect(repeat.status).toBe("REJECT");
    expect(repeat.reason).toMatch(/already applied/);
    expect(repeat.state.id).toBe(first.state.id);
    expect(repeat.flowRun.states).toHaveLength(3);
    expect(repeat.flowRun.runCount).toBe(1);

    const next = await propose(run.id, { type: "COMPLETED", details: { transitionId: "tx-2" } });
    expect(next.status).toBe("ACCEPT");
  });
});

describe("force", () => {
  it("skips the rules but keeps the bookkeeping", async () => {
    const run = await runAt("PENDING", "RUNNING", "COMPLETED");
    const r = await propose(run.id, { type: "RUNNING" }, true);
    expect(r.status).toBe("ACCEPT");
    expect(r.state.type).toBe("RUNNING");
    expect(r.flowRun).toMatchObject({ stateType: "RUNNING", runCount: 2, endTime: null });
    expect(r.flowRun.startTime).not.toBeNull();
    expect(r.flowRun.states).toHaveLength(5);
  });

  it("force: false still applies the rules", async () => {
    const run = await runAt("PENDING", "RUNNING", "COMPLETED");
    expect((await propose(run.id, { type: "RUNNING" }, false)).status).toBe("REJECT");
  });
});

describe("bookkeeping", () => {
  it("fills the run's columns across SCHEDULED → PENDING → RUNNING → COMPLETED", async () => {
    const run = await newRun();
    const expected = run.expectedStartTime;
    expect(run.nextScheduledStartTime).toBe(expected);

    const pending = await walk(run.id, "PENDING");
    expect(pending.flowRun).toMatchObject({
      stateType: "PENDING",
      nextScheduledStartTime: null,
      startTime: null,
      runCount: 0,
      expectedStartTime: expected,
    });

    const running = await walk(run.id, "RUNNING");
    expect(running.flowRun).toMatchObject({ stateType: "RUNNING", runCount: 1, endTime: null, totalRunTime: 0 });
    expect(running.flowRun.startTime).toBe(running.state.timestamp);
    const started = ms(running.flowRun.startTime);

    t.clock.advance(5);
    const done = await walk(run.id, "COMPLETED");
    expect(done.flowRun).toMatchObject({
      stateType: "COMPLETED",
      stateName: "Completed",
      runCount: 1,
      nextScheduledStartTime: null,
      expectedStartTime: expected,
    });
    expect(done.flowRun.totalRunTime).toBeGreaterThanOrEqual(5);
    expect(done.flowRun.totalRunTime).toBeLessThan(6);
    expect(ms(done.flowRun.startTime)).toBe(started);
    const ran = (ms(done.flowRun.endTime) - started) / 1000;
    expect(ran).toBeCloseTo(done.flowRun.totalRunTime, 2);
    expect(done.flowRun.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
  });
});

describe("input errors", () => {
  it("names input.flowRunId for an unknown run", async () => {
    const r = await t.gql(SET_STATE, {
      input: { flowRunId: "00000000-0000-0000-0000-000000000000", state: { type: "RUNNING" } },
    });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.flowRunId" });
  });

  it("refuses a scheduledTime on a state that is not SCHEDULED or PAUSED, writing nothing", async () => {
    const run = await runAt("PENDING");
    const r = await t.gql(SET_STATE, {
      input: { flowRunId: run.id, state: { type: "RUNNING", scheduledTime: new Date().toISOString() } },
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.state.scheduledTime" });
    const after = await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType states { id } } }`), {
      id: run.id,
    });
    expect(after.flowRun).toMatchObject({ stateType: "PENDING" });
    expect(after.flowRun.states).toHaveLength(2);
  });
});
