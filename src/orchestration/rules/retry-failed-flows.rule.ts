// Turns a failure into an in-process retry while the run still has retries left.
import type { OrchestrationRule } from "../rule.js";

export const RetryFailedFlows: OrchestrationRule = {
  name: "RetryFailedFlows",
  from: ["RUNNING"],
  to: ["FAILED"],
  apply(ctx) {
    const { retries, retryDelaySeconds } = ctx.run.policy;
    // runCount already counts the attempt that just failed, so retries = 1 allows two attempts.
    if (typeof retries !== "number" || ctx.run.runCount > retries) {
      // The run really ends: a stale "in_process" would make the executor think it may retry.
      ctx.policyPatch.retryType = null;
      return undefined;
    }
    const scheduledTime = new Date(ctx.now.getTime() + (retryDelaySeconds ?? 0) * 1000);
    // The patch is applied because the substituted AwaitingRetry state is written.
    ctx.policyPatch.retryType = "in_process";
    return {
      status: "REJECT",
      state: {
        type: "SCHEDULED",
        name: "AwaitingRetry",
        message: ctx.proposed.message ?? null,
        scheduledTime,
        details: {},
      },
      reason: `Retrying the run (attempt ${ctx.run.runCount + 1} of ${retries + 1}).`,
    };
  },
};
