// Holds back a run that tries to start before its scheduled time.
import type { OrchestrationRule } from "../rule.js";

export const WaitForScheduledTime: OrchestrationRule = {
  name: "WaitForScheduledTime",
  from: ["SCHEDULED", "PENDING"],
  to: ["RUNNING"],
  apply(ctx) {
    const scheduled = ctx.current?.scheduledTime;
    if (!scheduled) return undefined;
    const ms = scheduled.getTime() - ctx.now.getTime();
    // Workers may claim runs a little ahead (prefetch); the executor must wait, not start early.
    if (ms <= 0) return undefined;
    return {
      status: "WAIT",
      delaySeconds: Math.ceil(ms / 1000),
      reason: `The run is scheduled to start at ${scheduled.toISOString()}.`,
    };
  },
};
