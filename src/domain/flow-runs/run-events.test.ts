import { describe, expect, it } from "vitest";
import type { EventBus } from "../../events/event-bus.js";
import type { TransitionResult } from "../../orchestration/orchestrator.js";
import { RunEvents, stateChangedEvent } from "./run-events.js";

const run = { id: "r1", flowId: "f1", deploymentId: "d1", workQueueId: "q1", workPoolName: "pool" };

function recorder() {
  const published: unknown[][] = [];
  const bus = { publish: (...args: unknown[]) => void published.push(args) } as unknown as EventBus;
  return { published, events: new RunEvents(bus) };
}

function transition(over: Partial<TransitionResult>): TransitionResult {
  return {
    status: "ACCEPT",
    reason: null,
    delaySeconds: null,
    stateId: "s2",
    written: true,
    previousStateType: "SCHEDULED",
    stateType: "PENDING",
    run,
    ...over,
  };
}

describe("RunEvents", () => {
  it("publishes a written transition as flow-run.state-changed", () => {
    const { published, events } = recorder();
    events.transition(transition({}));
    expect(published).toEqual([
      [
        "flow-run.state-changed",
        {
          flowRunId: "r1",
          stateId: "s2",
          stateType: "PENDING",
          previousStateType: "SCHEDULED",
          deploymentId: "d1",
          flowId: "f1",
          workPoolName: "pool",
        },
      ],
    ]);
  });

  it("announces nothing for a transition that wrote no state", () => {
    const { published, events } = recorder();
    events.transition(transition({ status: "REJECT", written: false }));
    events.transition(transition({ stateId: null }));
    expect(published).toEqual([]);
  });

  it("builds the scheduler's first-state events with the same payload", () => {
    const { published, events } = recorder();
    const ref = { id: "r2", flowId: "f1", deploymentId: "d1", workPoolName: null };
    events.stateChanged(ref, { id: "s1", type: "SCHEDULED", previousType: null });
    expect(published).toEqual([
      ["flow-run.state-changed", stateChangedEvent(ref, { id: "s1", type: "SCHEDULED", previousType: null })],
    ]);
    expect(stateChangedEvent(ref, { id: "s1", type: "SCHEDULED", previousType: null })).toEqual({
      flowRunId: "r2",
      stateId: "s1",
      stateType: "SCHEDULED",
      previousStateType: null,
      deploymentId: "d1",
      flowId: "f1",
      workPoolName: null,
    });
  });
});
