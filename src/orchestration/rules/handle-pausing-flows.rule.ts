// Decides whether a running run may pause (or suspend), and remembers each pause key once used.
import { randomUUID } from "node:crypto";
import type { OrchestrationRule } from "../rule.js";

export const HandlePausingFlows: OrchestrationRule = {
  name: "HandlePausingFlows",
  from: "ANY",
  to: ["PAUSED"],
  apply(ctx) {
    const current = ctx.current;
    if (!current) return { status: "ABORT", reason: "Cannot pause a run that has no state." };
    // Only running user code can pause itself; anything else is a stale or misdirected report.
    if (current.type !== "RUNNING") {
      return { status: "REJECT", state: null, reason: "Cannot pause a run that is not running." };
    }
    // Prefect: a pause without a key gets a random one, so each keyless pause is recorded (and
    // counted in pauseKeys) even though it can never match a later one.
    const key = ctx.proposed.details.pauseKey ?? randomUUID();
    const seen = ctx.policyPatch.pauseKeys ?? ctx.run.policy.pauseKeys ?? [];
    // A pause point in a flow that is re-executed after resuming must not pause it again.
    if (seen.includes(key)) {
      return { status: "REJECT", state: null, reason: "This pause has already fired." };
    }
    // Suspending gives up the infrastructure; only a deployment lets a worker start it again.
    if (ctx.proposed.details.pauseReschedule === true && ctx.run.deploymentId === null) {
      return { status: "ABORT", reason: "A run without a deployment cannot be suspended." };
    }
    ctx.policyPatch.pauseKeys = [...seen, key];
    return undefined;
  },
};
