// Guards runs that already finished: which ways out of a terminal state exist, and what they reset.
import type { OrchestrationRule } from "../rule.js";
import { isTerminal, TERMINAL_STATES } from "../states.js";

export const HandleFlowTerminalStateTransitions: OrchestrationRule = {
  name: "HandleFlowTerminalStateTransitions",
  from: TERMINAL_STATES,
  to: "ANY",
  apply(ctx) {
    const current = ctx.current;
    if (!current) return undefined;
    const target = ctx.proposed.type;
    // Nothing is left to cancel, pause or crash; a late report from a dying process must not
    // overwrite how the run actually ended.
    if (target === "CANCELLING" || target === "PAUSED" || target === "CRASHED") {
      return { status: "ABORT", reason: `Run is already in terminal state ${current.type}.` };
    }
    // Only a worker can pick a rescheduled run up again, and workers find runs through deployments.
    if (target === "SCHEDULED" && ctx.run.deploymentId === null) {
      return { status: "ABORT", reason: "Cannot reschedule a run that has no deployment." };
    }
    if (isTerminal(target)) return undefined;
    // A completed run's result stands; the only way to run it again is to reschedule it.
    if (current.type === "COMPLETED" && target !== "SCHEDULED") {
      return { status: "REJECT", state: null, reason: "This run has already completed." };
    }
    // The run starts a new life: pause keys and resume/retry markers of the old one must not leak.
    Object.assign(ctx.policyPatch, {
      pauseKeys: [],
      resuming: false,
      retryType: target === "SCHEDULED" ? "reschedule" : null,
    });
    return undefined;
  },
};
