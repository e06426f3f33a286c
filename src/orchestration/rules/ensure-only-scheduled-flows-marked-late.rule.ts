// Only a run still waiting in SCHEDULED can be marked Late, and only once.
import type { OrchestrationRule } from "../rule.js";

export const EnsureOnlyScheduledFlowsMarkedLate: OrchestrationRule = {
  name: "EnsureOnlyScheduledFlowsMarkedLate",
  from: "ANY",
  to: ["SCHEDULED"],
  apply(ctx) {
    if (ctx.proposed.name !== "Late") return undefined;
    const current = ctx.current;
    // The late-runs service reads a snapshot; by the time it proposes Late the run may have been
    // claimed, so anything but a not-yet-late SCHEDULED run keeps its state.
    if (current?.type === "SCHEDULED" && current.name !== "Late") return undefined;
    return {
      status: "REJECT",
      state: null,
      reason: "Only scheduled runs that are not yet late can be marked Late.",
    };
  },
};
