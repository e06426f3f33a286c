// Input shapes of the flow-run use cases, as the GraphQL layer hands them over.
import type { StateDetails, StateType } from "../../orchestration/states.js";

export interface CreateFlowRunInput {
  deploymentId?: string | null;
  deploymentSlug?: string | null;
  name?: string | null;
  parameters?: unknown;
  tags?: string[] | null;
  idempotencyKey?: string | null;
  scheduledStartTime?: Date | null;
  workQueueName?: string | null;
  jobVariables?: unknown;
  retries?: number | null;
  retryDelaySeconds?: number | null;
  /** the first state: SCHEDULED (the default) or PENDING (taken at once, e.g. for local execution); details are not kept */
  state?: Omit<StateInput, "details"> | null;
}

export interface StateInput {
  type: StateType;
  name?: string | null;
  message?: string | null;
  scheduledTime?: Date | null;
  data?: unknown;
  details?: StateDetails | null;
}

export interface SetFlowRunStateInput {
  flowRunId: string;
  state: StateInput;
  force?: boolean | null;
}

// The state vocabulary belongs to orchestration; the API layer sees it through the domain.
export { STATE_TYPES } from "../../orchestration/states.js";
export type { StateType } from "../../orchestration/states.js";
export type { TransitionResult } from "../../orchestration/orchestrator.js";
