import { describe, expect, it, vi } from "vitest";
import { CORE_POLICY, evaluatePolicy, FORCE_POLICY } from "./policies.js";
import type { OrchestrationRule } from "./rule.js";
import { ctx, st } from "./rules.fixtures.js";

const abort = (reason: string) => ({ status: "ABORT" as const, reason });

describe("evaluatePolicy", () => {
  it("returns the first outcome and runs no later rule", () => {
    const later = vi.fn(() => undefined);
    const policy: OrchestrationRule[] = [
      { name: "first", from: "ANY", to: "ANY", apply: () => abort("first") },
      { name: "second", from: "ANY", to: "ANY", apply: later },
    ];
    expect(evaluatePolicy(policy, ctx(st("RUNNING"), st("COMPLETED")))).toEqual(abort("first"));
    expect(later).not.toHaveBeenCalled();
  });

  it("skips rules whose from or to set does not match", () => {
    const apply = vi.fn(() => abort("ran"));
    const policy: OrchestrationRule[] = [
      { name: "to-failed", from: "ANY", to: ["FAILED"], apply },
      { name: "from-pending", from: ["PENDING"], to: "ANY", apply },
    ];
    expect(evaluatePolicy(policy, ctx(st("RUNNING"), st("COMPLETED")))).toBeUndefined();
    expect(apply).not.toHaveBeenCalled();
    expect(evaluatePolicy(policy, ctx(st("PENDING"), st("RUNNING")))).toEqual(abort("ran"));
  });

  it("matches a run with no state only against ANY from-sets", () => {
    const typed = vi.fn(() => abort("typed"));
    const any = vi.fn(() => abort("any"));
    const policy: OrchestrationRule[] = [
      { name: "typed", from: ["SCHEDULED"], to: "ANY", apply: typed },
      { name: "any", from: "ANY", to: "ANY", apply: any },
    ];
    expect(evaluatePolicy(policy, ctx(null, st("SCHEDULED")))).toEqual(abort("any"));
    expect(typed).not.toHaveBeenCalled();
  });

  it("accepts a run's first SCHEDULED state under the core policy", () => {
    expect(evaluatePolicy(CORE_POLICY, ctx(null, st("SCHEDULED")))).toBeUndefined();
  });

  it("FORCE_POLICY is Prefect's MinimalFlowPolicy: the data-loss guard and the no-infrastructure cancel bypass", () => {
    expect(FORCE_POLICY.map((rule) => rule.name)).toEqual([
      "PreventResultDataLoss",
      "BypassCancellingFlowRunsWithNoInfra",
    ]);
    // PrefectHQ/prefect#21955: COMPLETED with a result -> COMPLETED without it is refused even forced
    const drop = ctx(st("COMPLETED", { data: { value: 42 } }), st("COMPLETED"));
    expect(evaluatePolicy(FORCE_POLICY, drop)).toMatchObject({ status: "REJECT", state: null });
    expect(
      evaluatePolicy(
        FORCE_POLICY,
        ctx(st("COMPLETED", { data: { value: 42 } }), st("COMPLETED", { data: { value: 43 } })),
      ),
    ).toBeUndefined();
    expect(
      evaluatePolicy(FORCE_POLICY, ctx(st("COMPLETED", { data: { type: "unpersisted" } }), st("COMPLETED"))),
    ).toBeUndefined();
    expect(evaluatePolicy(FORCE_POLICY, ctx(st("SCHEDULED"), st("CANCELLING")))).toMatchObject({
      status: "REJECT",
      state: { type: "CANCELLED" },
    });
  });

  it("FORCE_POLICY lets even forbidden transitions through", () => {
    const forbidden = ctx(st("COMPLETED"), st("CRASHED"));
    expect(evaluatePolicy(CORE_POLICY, forbidden)).toMatchObject({ status: "ABORT" });
    expect(evaluatePolicy(FORCE_POLICY, forbidden)).toBeUndefined();
  });
});

describe("CORE_POLICY", () => {
  it("keeps Prefect's rule order", () => {
    expect(CORE_POLICY.map((rule) => rule.name)).toEqual([
      "PreventDuplicateTransitions",
      "HandleFlowTerminalStateTransitions",
      "PreventResultDataLoss",
      "EnforceCancellingToCancelledTransition",
      "BypassCancellingFlowRunsWithNoInfra",
      "PreventPendingTransitions",
      "EnsureOnlyScheduledFlowsMarkedLate",
      "HandlePausingFlows",
      "HandleResumingPausedFlows",
      "CopyScheduledTime",
      "WaitForScheduledTime",
      "RetryFailedFlows",
    ]);
  });
});
