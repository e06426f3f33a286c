// Input shapes of the flow-run use cases, as the GraphQL layer hands them over.
import type { Proposal, TransitionResult } from "../../orchestration/orchestrator.js";
import type { OrdoError } from "../errors.js";

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

/** A proposed state as the API takes it: the orchestrator's proposal, unchanged. */
export type StateInput = Proposal;

export interface SetFlowRunStateInput {
  flowRunId: string;
  state: StateInput;
  force?: boolean | null;
}

/** At most this many proposals in one setStates call (a claim takes at most 200 runs too). */
export const MAX_STATE_PROPOSALS = 200;

/** One proposal's answer in a batch: the orchestration result, or the error setState would have raised. */
export interface ProposalOutcome {
  result?: TransitionResult;
  error?: OrdoError;
}
