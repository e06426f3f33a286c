// Once cancellation started, the run may only end as CANCELLED.
import type { OrchestrationRule } from "../rule.js";
import { STATE_TYPES } from "../states.js";

export const EnforceCancellingToCancelledTransition: OrchestrationRule = {
  name: "EnforceCancellingToCancelledTransition",
  from: ["CANCELLING"],
  to: STATE_TYPES.filter((type) => type !== "CANCELLED"),
  apply() {
    // The executor keeps reporting (RUNNING, COMPLETED…) until its infrastructure is killed;
    // those reports must not undo the cancellation the user asked for.
    return {
      status: "REJECT",
      state: null,
      reason: "This run is being cancelled and can only move to CANCELLED.",
    };
  },
};
