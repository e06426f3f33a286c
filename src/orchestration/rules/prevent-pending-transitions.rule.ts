// The claim guard: a run that is already claimed, running or being cancelled cannot be claimed again.
import type { OrchestrationRule } from "../rule.js";

export const PreventPendingTransitions: OrchestrationRule = {
  name: "PreventPendingTransitions",
  from: ["PENDING", "CANCELLING", "RUNNING", "CANCELLED"],
  to: ["PENDING"],
  apply(ctx) {
    const current = ctx.current;
    if (!current) return undefined;
    const proposed = ctx.proposed;
    // A worker that owns the run walks it through named PENDING sub-states
    // (Submitting → InfrastructurePending); a plain "Pending" again is a second claim.
    if (current.type === "PENDING" && proposed.name !== current.name && proposed.name !== "Pending") {
      // Keep the schedule across sub-states: WaitForScheduledTime reads it on PENDING → RUNNING.
      if (proposed.scheduledTime == null) proposed.scheduledTime = current.scheduledTime ?? null;
      return undefined;
    }
    // ABORT rather than REJECT: the second claimer must stop, not adopt the current state.
    return {
      status: "ABORT",
      reason: `This run is in a ${current.type} state and cannot transition to a PENDING state.`,
    };
  },
};
