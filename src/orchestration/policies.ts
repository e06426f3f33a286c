// Ordered rule lists (policies) and the evaluator that runs them against one proposed transition.
import type { OrchestrationRule, RuleOutcome, TransitionContext } from "./rule.js";
import { matches } from "./rule.js";
import { BypassCancellingFlowRunsWithNoInfra } from "./rules/bypass-cancelling-flow-runs-with-no-infra.rule.js";
import { CopyScheduledTime } from "./rules/copy-scheduled-time.rule.js";
import { EnforceCancellingToCancelledTransition } from "./rules/enforce-cancelling-to-cancelled-transition.rule.js";
import { EnsureOnlyScheduledFlowsMarkedLate } from "./rules/ensure-only-scheduled-flows-marked-late.rule.js";
import { HandleFlowTerminalStateTransitions } from "./rules/handle-flow-terminal-state-transitions.rule.js";
import { HandlePausingFlows } from "./rules/handle-pausing-flows.rule.js";
import { HandleResumingPausedFlows } from "./rules/handle-resuming-paused-flows.rule.js";
import { PreventDuplicateTransitions } from "./rules/prevent-duplicate-transitions.rule.js";
import { PreventPendingTransitions } from "./rules/prevent-pending-transitions.rule.js";
import { PreventResultDataLoss } from "./rules/prevent-result-data-loss.rule.js";
import { RetryFailedFlows } from "./rules/retry-failed-flows.rule.js";
import { WaitForScheduledTime } from "./rules/wait-for-scheduled-time.rule.js";

/**
 * Prefect's CoreFlowPolicy order (minus its concurrency-lease rules: Ordo counts limits inside
 * the claim transaction). The order matters: guards that ABORT come before rules that amend the
 * proposal, and RetryFailedFlows is last so it only sees transitions nothing else objected to.
 */
export const CORE_POLICY: readonly OrchestrationRule[] = Object.freeze([
  PreventDuplicateTransitions,
  HandleFlowTerminalStateTransitions,
  // Prefect folds this check into HandleFlowTerminalStateTransitions; one rule serves both policies here
  PreventResultDataLoss,
  EnforceCancellingToCancelledTransition,
  BypassCancellingFlowRunsWithNoInfra,
  PreventPendingTransitions,
  EnsureOnlyScheduledFlowsMarkedLate,
  HandlePausingFlows,
  HandleResumingPausedFlows,
  CopyScheduledTime,
  WaitForScheduledTime,
  RetryFailedFlows,
]);

/**
 * Prefect's MinimalFlowPolicy: what `force` (and a run's first state) still obeys. Forcing skips
 * every other rule, but never drops a stored result, and cancelling a run that has nothing running
 * still goes straight to CANCELLED (no worker would ever confirm a CANCELLING). Bookkeeping runs
 * as always, so the run's columns stay consistent.
 */
export const FORCE_POLICY: readonly OrchestrationRule[] = Object.freeze([
  PreventResultDataLoss,
  BypassCancellingFlowRunsWithNoInfra,
]);

/**
 * Runs the rules that match the transition, in order, and returns the first objection
 * (undefined: accept `ctx.proposed`). Rules after an objection do not run, so their
 * policyPatch contributions and proposal amendments never happen.
 */
export function evaluatePolicy(policy: readonly OrchestrationRule[], ctx: TransitionContext): RuleOutcome | undefined {
  const fromType = ctx.current?.type ?? null;
  for (const rule of policy) {
    if (!matches(rule.from, fromType) || !matches(rule.to, ctx.proposed.type)) continue;
    const outcome = rule.apply(ctx);
    if (outcome) return outcome;
  }
  return undefined;
}
