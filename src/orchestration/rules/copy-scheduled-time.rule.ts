// Carries the scheduled time into PENDING so later rules and views still know when the run was due.
import type { OrchestrationRule } from "../rule.js";

export const CopyScheduledTime: OrchestrationRule = {
  name: "CopyScheduledTime",
  from: ["SCHEDULED"],
  to: ["PENDING"],
  apply(ctx) {
    // Workers claim with a bare PENDING; WaitForScheduledTime needs the time on PENDING → RUNNING.
    // Mutating ctx.proposed is the documented way for a rule to amend the written state.
    if (ctx.proposed.scheduledTime == null && ctx.current) {
      ctx.proposed.scheduledTime = ctx.current.scheduledTime ?? null;
    }
    return undefined;
  },
};
