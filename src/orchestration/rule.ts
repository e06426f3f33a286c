// The contract every orchestration rule implements, and the outcomes a rule can return.
// Rules are pure: they read the transition context and answer; the orchestrator writes.
import type { RunPolicy, StateType, StateValue } from "./states.js";

/** What the rules see of the run being transitioned (the locked row). */
export interface RunSnapshot {
  id: string;
  deploymentId: string | null;
  infrastructurePid: string | null;
  runCount: number;
  policy: RunPolicy;
}

export interface TransitionContext {
  run: RunSnapshot;
  /** null for a run's first state */
  current: (StateValue & { timestamp: Date }) | null;
  /**
   * Rules may mutate it (e.g. CopyScheduledTime fills `scheduledTime`): the orchestrator writes
   * `ctx.proposed` after evaluation, not the object the caller passed in, when nothing objects.
   */
  proposed: StateValue;
  now: Date;
  /**
   * Changes to the run's policy that take effect only if a state is written
   * (e.g. adding a pause key, marking a retry). Rules merge into it.
   * A state is written when no rule objects, and also on a REJECT that carries a substitute
   * state (RetryFailedFlows writes AwaitingRetry and needs its retryType to stick).
   * On ABORT, WAIT and REJECT with state null the patch is discarded.
   */
  policyPatch: Partial<RunPolicy>;
}

export type RuleOutcome =
  /** write another state instead of the proposed one (null: write nothing, answer with the current state) */
  | { status: "REJECT"; state: StateValue | null; reason: string }
  | { status: "WAIT"; delaySeconds: number; reason: string }
  | { status: "ABORT"; reason: string };

export type StateSet = readonly StateType[] | "ANY";

export interface OrchestrationRule {
  readonly name: string;
  /** the current state types the rule applies to; "ANY" includes a run with no state yet */
  readonly from: StateSet;
  readonly to: StateSet;
  /** undefined = no objection */
  apply(ctx: TransitionContext): RuleOutcome | undefined;
}

export function matches(set: StateSet, type: StateType | null): boolean {
  return set === "ANY" || (type !== null && set.includes(type));
}
