import { describe, expect, it } from "vitest";
import { PreventPendingTransitions } from "./rules/prevent-pending-transitions.rule.js";
import {
  ABORT,
  accepts,
  at,
  type Case,
  ctx,
  det,
  NO_DEPLOYMENT,
  objects,
  REJECT_NULL,
  run,
  st,
  WITH_PID,
} from "./rules.fixtures.js";

describe("PreventDuplicateTransitions", () => {
  const t = (id: string) => det({ transitionId: id });
  objects([["same transition id", ctx(st("RUNNING", t("t1")), st("COMPLETED", t("t1"))), REJECT_NULL]]);
  it("accepts a different or missing id", () => {
    accepts(ctx(st("RUNNING", t("t1")), st("COMPLETED", t("t2"))));
    accepts(ctx(st("RUNNING"), st("COMPLETED")));
  });
});

describe("HandleFlowTerminalStateTransitions", () => {
  it.each(["CANCELLING", "PAUSED", "CRASHED"] as const)("aborts COMPLETED → %s", (to) => {
    const reason = "Run is already in terminal state COMPLETED.";
    expect(run(ctx(st("COMPLETED"), st(to)))).toEqual({ ...ABORT, reason });
  });
  objects([
    ["reschedule without deployment", ctx(st("FAILED"), st("SCHEDULED"), NO_DEPLOYMENT), ABORT],
    ["COMPLETED → RUNNING", ctx(st("COMPLETED"), st("RUNNING")), REJECT_NULL],
  ]);
  it("resets pause/resume/retry markers when leaving a terminal state", () => {
    const reset = { pauseKeys: [], resuming: false };
    accepts(ctx(st("COMPLETED"), st("SCHEDULED"), { policy: { pauseKeys: ["k"] } }), {
      ...reset,
      retryType: "reschedule",
    });
    accepts(ctx(st("FAILED"), st("RUNNING")), { ...reset, retryType: null });
  });
  it("lets terminal → terminal through untouched", () => accepts(ctx(st("FAILED"), st("COMPLETED"))));
});

// Prefect: PreventResultDataLoss (PrefectHQ/prefect#21955), in CoreFlowPolicy and MinimalFlowPolicy
describe("PreventResultDataLoss", () => {
  const stored = st("COMPLETED", { data: { storageKey: "results/abc" } });
  objects([["COMPLETED with a result → COMPLETED without", ctx(stored, st("COMPLETED")), REJECT_NULL]]);
  it("lets a COMPLETED that keeps a result, or replaces an unpersisted one, through", () => {
    accepts(ctx(stored, st("COMPLETED", { data: { storageKey: "results/def" } })));
    accepts(ctx(st("COMPLETED", { data: { type: "unpersisted" } }), st("COMPLETED")));
    accepts(ctx(st("COMPLETED"), st("COMPLETED")));
    accepts(ctx(stored, st("FAILED")));
  });
});

describe("EnforceCancellingToCancelledTransition", () => {
  const targets = ["RUNNING", "COMPLETED", "CANCELLING"] as const;
  objects(targets.map((to): Case => [to, ctx(st("CANCELLING"), st(to)), REJECT_NULL]));
  it("accepts CANCELLING → CANCELLED", () => accepts(ctx(st("CANCELLING"), st("CANCELLED"))));
});

describe("BypassCancellingFlowRunsWithNoInfra", () => {
  const cancelled = (message: string) => ({
    status: "REJECT",
    state: { type: "CANCELLED", name: "Cancelled", message, details: {} },
  });
  const suspended = st("PAUSED", det({ pauseReschedule: true }));
  objects([
    ["no pid", ctx(st("SCHEDULED"), st("CANCELLING")), cancelled("Cancelled before any infrastructure was started.")],
    ["message", ctx(st("SCHEDULED"), st("CANCELLING", { message: "by user" })), cancelled("by user")],
    ["Resuming", ctx(st("SCHEDULED", { name: "Resuming" }), st("CANCELLING"), WITH_PID), cancelled(expect.any(String))],
    ["suspended", ctx(suspended, st("CANCELLING"), WITH_PID), cancelled(expect.any(String))],
  ]);
  it("lets runs with live infrastructure go through CANCELLING", () => {
    accepts(ctx(st("SCHEDULED"), st("CANCELLING"), WITH_PID));
    accepts(ctx(st("PAUSED"), st("CANCELLING"), WITH_PID));
  });
});

describe("PreventPendingTransitions", () => {
  it.each(["PENDING", "CANCELLING", "RUNNING", "CANCELLED"] as const)("rule aborts %s → PENDING", (from) => {
    const reason = `This run is in a ${from} state and cannot transition to a PENDING state.`;
    expect(PreventPendingTransitions.apply(ctx(st(from), st("PENDING")))).toEqual({ ...ABORT, reason });
  });
  const submitting = st("PENDING", { name: "Submitting" });
  objects([
    ["second claim", ctx(st("PENDING"), st("PENDING")), ABORT],
    ["same sub-state", ctx(submitting, { ...submitting }), ABORT],
    ["back to Pending", ctx(submitting, st("PENDING")), ABORT],
  ]);
  it("allows the first claim, and named sub-states carrying the scheduled time", () => {
    accepts(ctx(st("SCHEDULED"), st("PENDING")));
    const c = ctx(st("PENDING", { scheduledTime: at(5) }), { ...submitting });
    accepts(c);
    expect(c.proposed.scheduledTime).toEqual(at(5));
  });
});

describe("EnsureOnlyScheduledFlowsMarkedLate", () => {
  const late = st("SCHEDULED", { name: "Late" });
  objects([
    ["already late", ctx(late, { ...late }), REJECT_NULL],
    ["claimed", ctx(st("PENDING"), late), REJECT_NULL],
    ["no state", ctx(null, late), REJECT_NULL],
  ]);
  it("marks a waiting run Late and ignores other names", () => {
    accepts(ctx(st("SCHEDULED"), late));
    accepts(ctx(null, st("SCHEDULED")));
  });
});

describe("HandlePausingFlows", () => {
  const seen = { policy: { pauseKeys: ["k"] } };
  const suspend = st("PAUSED", det({ pauseReschedule: true }));
  objects([
    ["no state", ctx(null, st("PAUSED")), ABORT],
    ["not running", ctx(st("PENDING"), st("PAUSED")), REJECT_NULL],
    ["key seen", ctx(st("RUNNING"), st("PAUSED", det({ pauseKey: "k" })), seen), REJECT_NULL],
    ["suspend without deployment", ctx(st("RUNNING"), suspend, NO_DEPLOYMENT), ABORT],
  ]);
  it("pauses a running run and records a new key", () => {
    accepts(ctx(st("RUNNING"), st("PAUSED", det({ pauseKey: "k2" })), seen), { pauseKeys: ["k", "k2"] });
    accepts(ctx(st("RUNNING"), { ...suspend }), { pauseKeys: [expect.any(String)] });
  });

  // Prefect's HandlePausingFlows: `if self.key is None: self.key = str(uuid4())`, added to pause_keys
  it("records a random key for a pause without one, a different one each time", () => {
    const first = ctx(st("RUNNING"), st("PAUSED"), seen);
    const second = ctx(st("RUNNING"), st("PAUSED"), seen);
    accepts(first, { pauseKeys: ["k", expect.stringMatching(/^[0-9a-f-]{36}$/)] });
    accepts(second, { pauseKeys: ["k", expect.stringMatching(/^[0-9a-f-]{36}$/)] });
    expect(first.policyPatch.pauseKeys![1]).not.toBe(second.policyPatch.pauseKeys![1]);
  });
});

describe("HandleResumingPausedFlows", () => {
  const expired = st("PAUSED", det({ pauseTimeout: at(-1).toISOString() }));
  const failed = { type: "FAILED", name: "Failed", message: "The run was paused longer than its pause timeout." };
  const suspended = st("PAUSED", det({ pauseReschedule: true }));
  objects([
    ["to PENDING", ctx(st("PAUSED"), st("PENDING")), REJECT_NULL],
    ["timed out", ctx(expired, st("RUNNING")), { status: "REJECT", state: failed }],
    ["reschedule, no deployment", ctx(suspended, st("SCHEDULED"), NO_DEPLOYMENT), REJECT_NULL],
    // Prefect's HandleResumingPausedFlows rejects any way out of a suspended pause without a deployment
    [
      "resume (RUNNING), no deployment",
      ctx(suspended, st("RUNNING"), NO_DEPLOYMENT),
      { status: "REJECT", state: null, reason: "Cannot resume a suspended run that has no deployment." },
    ],
  ]);
  it("a suspended run without a deployment can still be stopped (a deliberate difference from Prefect)", () => {
    accepts(ctx(suspended, st("CANCELLED"), NO_DEPLOYMENT), { resuming: true });
    accepts(ctx(st("PAUSED"), st("RUNNING"), NO_DEPLOYMENT), { resuming: true }); // a plain pause resumes in process
  });
  it("resumes before the timeout, and always lets the run be stopped", () => {
    const pending = st("PAUSED", det({ pauseTimeout: at(60).toISOString() }));
    accepts(ctx(pending, st("RUNNING")), { resuming: true });
    accepts(ctx(expired, st("CANCELLED")), { resuming: true });
    accepts(ctx(expired, st("CANCELLING"), WITH_PID));
  });
});

describe("CopyScheduledTime", () => {
  it("copies the scheduled time only when the proposal has none", () => {
    const [bare, own] = [st("PENDING"), st("PENDING", { scheduledTime: at(1) })];
    [bare, own].forEach((p) => accepts(ctx(st("SCHEDULED", { scheduledTime: at(-5) }), p)));
    expect([bare.scheduledTime, own.scheduledTime]).toEqual([at(-5), at(1)]);
  });
});

describe("WaitForScheduledTime", () => {
  const reason = `The run is scheduled to start at ${at(90.2).toISOString()}.`;
  const early = ctx(st("PENDING", { scheduledTime: at(90.2) }), st("RUNNING"));
  objects([["early start", early, { status: "WAIT", delaySeconds: 91, reason }]]);
  it("starts a due or unscheduled run", () => {
    accepts(ctx(st("SCHEDULED", { scheduledTime: at(-1) }), st("RUNNING")));
    accepts(ctx(st("PENDING"), st("RUNNING")));
  });
});

describe("RetryFailedFlows", () => {
  it("retries in process while runCount <= retries", () => {
    const policy = { retries: 2, retryDelaySeconds: 30 };
    const c = ctx(st("RUNNING"), st("FAILED", { message: "boom" }), { runCount: 2, policy });
    const state = { type: "SCHEDULED", name: "AwaitingRetry", message: "boom", scheduledTime: at(30) };
    expect(run(c)).toMatchObject({ status: "REJECT", state });
    expect(c.policyPatch).toEqual({ retryType: "in_process" });
  });
  it("lets the run fail once retries are used up or unset", () => {
    accepts(ctx(st("RUNNING"), st("FAILED"), { runCount: 3, policy: { retries: 2 } }), { retryType: null });
    accepts(ctx(st("RUNNING"), st("FAILED")), { retryType: null });
  });
});
