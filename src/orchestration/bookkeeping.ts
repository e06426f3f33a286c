// Pure bookkeeping of a run's denormalised columns when a state is written (Prefect's GlobalFlowPolicy).
import type { RunPolicy, StateValue } from "./states.js";
import { isTerminal } from "./states.js";

/** The run columns bookkeeping reads. */
export interface RunBookkeeping {
  startTime: Date | null;
  endTime: Date | null;
  expectedStartTime: Date | null;
  /** seconds spent in RUNNING, summed over attempts */
  totalRunTime: number;
  runCount: number;
}

/** Every column to write on the run together with the new state. */
export interface RunStatePatch {
  stateType: StateValue["type"];
  stateName: string;
  stateTimestamp: Date;
  startTime: Date | null;
  endTime: Date | null;
  expectedStartTime: Date | null;
  nextScheduledStartTime: Date | null;
  totalRunTime: number;
  runCount: number;
  policy: RunPolicy;
}

type TimedState = StateValue & { timestamp: Date };

/**
 * `policy` is the run's policy with the rules' policyPatch already merged in, so a resume marked
 * by HandleResumingPausedFlows in this very transition is honoured. Runs for forced writes too.
 */
export function bookkeeping(
  run: RunBookkeeping,
  current: TimedState | null,
  next: TimedState,
  policy: RunPolicy,
): RunStatePatch {
  const at = next.timestamp;
  const entersRunning = next.type === "RUNNING" && current?.type !== "RUNNING";
  const entersTerminal = isTerminal(next.type);

  let startTime = run.startTime;
  if (startTime === null && (next.type === "RUNNING" || entersTerminal)) startTime = at;

  let endTime = run.endTime;
  // A terminal → terminal move (e.g. FAILED → COMPLETED by hand) ends the run at the new time.
  if (entersTerminal) endTime = at;
  else if (current && isTerminal(current.type)) endTime = null;

  // Time is counted per RUNNING state, so RUNNING → RUNNING also closes one interval.
  const runSeconds = current?.type === "RUNNING" ? Math.max(0, (at.getTime() - current.timestamp.getTime()) / 1000) : 0;

  // A resumed pause continues the same attempt; only a fresh start counts as another run.
  const runCount = entersRunning && !policy.resuming ? run.runCount + 1 : run.runCount;

  const nextPolicy: RunPolicy =
    next.type === "RUNNING" || entersTerminal ? { ...policy, resuming: false } : { ...policy };

  return {
    stateType: next.type,
    stateName: next.name,
    stateTimestamp: at,
    startTime,
    endTime,
    expectedStartTime: current === null ? (next.scheduledTime ?? at) : run.expectedStartTime,
    // A SCHEDULED state without a time is due now; null would hide it from due-run queries.
    nextScheduledStartTime: next.type === "SCHEDULED" ? (next.scheduledTime ?? at) : null,
    totalRunTime: run.totalRunTime + runSeconds,
    runCount,
    policy: nextPolicy,
  };
}

/**
 * State timestamps are unique per run (and order its history), so a state written in the same
 * millisecond as the current one, or after clock skew between replicas, is placed 1 ms later.
 */
export function nextStateTimestamp(now: Date, current: { timestamp: Date } | null): Date {
  if (!current) return new Date(now.getTime());
  return new Date(Math.max(now.getTime(), current.timestamp.getTime() + 1));
}
