// Decides where a paused run may go next, fails it if its pause expired, and marks it as resuming.
import type { OrchestrationRule } from "../rule.js";
import { isTerminal } from "../states.js";

export const HandleResumingPausedFlows: OrchestrationRule = {
  name: "HandleResumingPausedFlows",
  from: ["PAUSED"],
  to: "ANY",
  apply(ctx) {
    const current = ctx.current;
    if (!current) return undefined;
    const target = ctx.proposed.type;
    // RUNNING resumes in process, SCHEDULED resumes a suspended run through a worker, CANCELLING
    // stops a paused process (suspended runs were already turned into CANCELLED by
    // BypassCancellingFlowRunsWithNoInfra), and a terminal state ends the run. PENDING would skip
    // the claim of a resumed run. Prefect allowed CANCELLING later (PrefectHQ/prefect#23039).
    const stops = isTerminal(target) || target === "CANCELLING";
    if (target !== "RUNNING" && target !== "SCHEDULED" && !stops) {
      return {
        status: "REJECT",
        state: null,
        reason: `This run cannot transition to the ${target} state from the PAUSED state.`,
      };
    }
    const timeout = current.details.pauseTimeout;
    // Stopping the run is always allowed, but coming back to life after the deadline is not: the
    // user was told the run would give up, so it does.
    if (timeout && Date.parse(timeout) < ctx.now.getTime() && !stops) {
      return {
        status: "REJECT",
        state: {
          type: "FAILED",
          name: "Failed",
          message: "The run was paused longer than its pause timeout.",
          details: {},
        },
        reason: "The pause timed out; the run can no longer resume.",
      };
    }
    // A suspended run gave its infrastructure up: only a worker, through the deployment, can start
    // it again, whether it is proposed RUNNING or SCHEDULED (Prefect rejects both). Unlike Prefect,
    // stopping it (a terminal state) stays allowed, so a run whose deployment was deleted can
    // still be ended without `force`.
    if (!stops && current.details.pauseReschedule && ctx.run.deploymentId === null) {
      return {
        status: "REJECT",
        state: null,
        reason: `Cannot ${target === "RUNNING" ? "resume" : "reschedule"} a suspended run that has no deployment.`,
      };
    }
    // Re-entering RUNNING after a pause is the same run attempt, not a new one (see bookkeeping).
    // Cancelling is no resume; CANCELLED (the only way out of CANCELLING) would clear it anyway.
    if (target !== "CANCELLING") ctx.policyPatch.resuming = true;
    return undefined;
  },
};
