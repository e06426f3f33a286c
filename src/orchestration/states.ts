// State vocabulary of a flow run: the types, which of them are terminal, and default state names.

export const STATE_TYPES = [
  "SCHEDULED",
  "PENDING",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "CANCELLING",
  "CRASHED",
  "PAUSED",
] as const;

export type StateType = (typeof STATE_TYPES)[number];

export const TERMINAL_STATES: readonly StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

export function isTerminal(type: StateType): boolean {
  return TERMINAL_STATES.includes(type);
}

/** "SCHEDULED" → "Scheduled": Prefect's default state names. */
export function defaultStateName(type: StateType): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}

/** Prefect's state_details that Ordo keeps, stored as the state's `details` JSON. */
export interface StateDetails {
  /** set by clients to make a retried proposal idempotent */
  transitionId?: string;
  pauseKey?: string;
  /** ISO time after which a pause expires */
  pauseTimeout?: string;
  /** a suspended run (pause that gives up its infrastructure) */
  pauseReschedule?: boolean;
}

/** A state as it is (stored) or as proposed. */
export interface StateValue {
  type: StateType;
  name: string;
  message?: string | null;
  scheduledTime?: Date | null;
  data?: unknown;
  details: StateDetails;
}

/** The run's orchestration flags (Prefect's empirical_policy), stored as JSON on the run. */
export interface RunPolicy {
  /** how many times a FAILED run is retried */
  retries?: number;
  retryDelaySeconds?: number;
  /** "in_process": the running executor retries; "reschedule": a worker claims it again */
  retryType?: "in_process" | "reschedule" | null;
  /** set while a paused run resumes, so re-entering RUNNING does not count as another run */
  resuming?: boolean;
  pauseKeys?: string[];
}
