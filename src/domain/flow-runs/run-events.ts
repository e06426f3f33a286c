// Announces flow-run state changes (`flow-run.state-changed`) and builds their one payload. Callers
// publish only after the transaction that wrote the state committed: a subscriber re-reads the
// run (DESIGN invariant 5) and must find the state it was told about.
import { inject, injectable } from "tsyringe";
import type { EventBus } from "../../events/event-bus.js";
import type { FlowRunStateChangedEvent } from "../../events/topics.js";
import type { TransitionResult } from "../../orchestration/orchestrator.js";
import type { StateType } from "../../orchestration/states.js";
import { EVENTS } from "../../tokens.js";

/** What the event says of the run: the fields subscriptions filter on. */
export type RunEventRef = Pick<TransitionResult["run"], "id" | "flowId" | "deploymentId" | "workPoolName">;

export interface RunEventState {
  id: string;
  type: StateType;
  previousType: StateType | null;
}

export function stateChangedEvent(run: RunEventRef, state: RunEventState): FlowRunStateChangedEvent {
  return {
    flowRunId: run.id,
    stateId: state.id,
    stateType: state.type,
    previousStateType: state.previousType,
    deploymentId: run.deploymentId,
    flowId: run.flowId,
    workPoolName: run.workPoolName,
  };
}

@injectable()
export class RunEvents {
  constructor(@inject(EVENTS) private readonly events: EventBus) {}

  /** A committed transition; one that wrote no state (refused, or no change) announces nothing. */
  transition(t: TransitionResult): void {
    if (!t.written || !t.stateId || !t.stateType) return;
    this.stateChanged(t.run, { id: t.stateId, type: t.stateType, previousType: t.previousStateType });
  }

  /** A committed state written without the orchestrator's result at hand (the scheduler's inserts). */
  stateChanged(run: RunEventRef, state: RunEventState): void {
    this.events.publish("flow-run.state-changed", stateChangedEvent(run, state));
  }
}
