// Test fixtures for the orchestration rules: state and transition-context builders, policy assertions.
import { expect, it } from "vitest";
import { CORE_POLICY, evaluatePolicy } from "./policies.js";
import type { RunSnapshot, TransitionContext } from "./rule.js";
import { defaultStateName, type StateDetails, type StateType, type StateValue } from "./states.js";

export const NOW = new Date("2024-06-01T12:00:00.000Z");
export const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
export const st = (type: StateType, over: Partial<StateValue> = {}): StateValue => ({
  type,
  name: defaultStateName(type),
  details: {},
  ...over,
});
export const det = (details: StateDetails) => ({ details });

/** The current state is stamped a minute before NOW; the run is deployed, pid-less, on its first attempt. */
export function ctx(
  current: StateValue | null,
  proposed: StateValue,
  run: Partial<RunSnapshot> = {},
): TransitionContext {
  const base: RunSnapshot = { id: "r", deploymentId: "d", infrastructurePid: null, runCount: 1, policy: {} };
  const cur = current && { ...current, timestamp: at(-60) };
  return { run: { ...base, ...run }, current: cur, proposed, now: NOW, policyPatch: {} };
}

export const NO_DEPLOYMENT = { deploymentId: null };
export const WITH_PID = { infrastructurePid: "42" };
export const REJECT_NULL = { status: "REJECT", state: null };
export const ABORT = { status: "ABORT" };
export const run = (c: TransitionContext) => evaluatePolicy(CORE_POLICY, c);

export type Case = [string, TransitionContext, object];
/** Each case goes through the core policy and must meet the expected objection. */
export const objects = (cases: Case[]) =>
  it.each(cases)("objects: %s", (_, c, expected) => expect(run(c)).toMatchObject(expected));
/** Accepted through the core policy, with exactly this policy patch left behind. */
export function accepts(c: TransitionContext, patch: object = {}): void {
  expect(run(c)).toBeUndefined();
  expect(c.policyPatch).toEqual(patch);
}
