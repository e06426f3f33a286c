// Cancels runs that have nothing running at once, since no worker would ever confirm a CANCELLING.
import type { OrchestrationRule } from "../rule.js";

const DEFAULT_MESSAGE = "Cancelled before any infrastructure was started.";

export const BypassCancellingFlowRunsWithNoInfra: OrchestrationRule = {
  name: "BypassCancellingFlowRunsWithNoInfra",
  from: ["SCHEDULED", "PAUSED"],
  to: ["CANCELLING"],
  apply(ctx) {
    const current = ctx.current;
    if (!current) return undefined;
    // CANCELLING waits for a worker to kill infrastructure and report CANCELLED. A scheduled run
    // that never started (or is only waiting to resume) and a suspended run (which gave its
    // infrastructure up) have nothing to kill, so they would hang in CANCELLING until the timeout.
    const noInfra =
      (current.type === "SCHEDULED" && (ctx.run.infrastructurePid === null || current.name === "Resuming")) ||
      (current.type === "PAUSED" && current.details.pauseReschedule === true);
    if (!noInfra) return undefined;
    return {
      status: "REJECT",
      state: {
        type: "CANCELLED",
        name: "Cancelled",
        message: ctx.proposed.message || DEFAULT_MESSAGE,
        details: {},
      },
      reason: "The run has no infrastructure to stop, so it is cancelled directly.",
    };
  },
};
