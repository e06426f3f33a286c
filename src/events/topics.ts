// The typed event topics. Payloads carry ids and the few fields subscriptions filter on, never
// rows: subscription resolvers re-read the rows with the client's selection (DESIGN invariant 5).
import type { StateType } from "../orchestration/states.js";

export interface FlowRunStateChangedEvent {
  flowRunId: string;
  stateId: string;
  stateType: StateType;
  previousStateType: StateType | null;
  deploymentId: string | null;
  flowId: string;
  workPoolName: string | null;
}

export interface LogCreatedEvent {
  logId: string;
  flowRunId: string;
}

/** A key was revoked: servers close the subscriptions that key opened (on every replica). */
export interface ApiKeyRevokedEvent {
  keyId: string;
}

// a type alias (not an interface) so it satisfies yoga's index-signature constraint
export type Topics = {
  "flow-run.state-changed": [event: FlowRunStateChangedEvent];
  "log.created": [event: LogCreatedEvent];
  "api-key.revoked": [event: ApiKeyRevokedEvent];
};
