// Keeps a completed run's stored result: a second COMPLETED without one must not replace it.
import type { OrchestrationRule } from "../rule.js";

/** A result is stored unless the state has none or marks it unpersisted (Prefect's `{type: "unpersisted"}`). */
export function hasStoredResult(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  return !(typeof data === "object" && !Array.isArray(data) && (data as { type?: unknown }).type === "unpersisted");
}

export const PreventResultDataLoss: OrchestrationRule = {
  name: "PreventResultDataLoss",
  from: ["COMPLETED"],
  to: ["COMPLETED"],
  apply(ctx) {
    const current = ctx.current;
    if (!current) return undefined;
    // Prefect (PrefectHQ/prefect#21955) runs this in the forced policy too: a late or replayed
    // COMPLETED from a client that lost the result would otherwise erase the one downstream reads.
    if (hasStoredResult(current.data) && !hasStoredResult(ctx.proposed.data)) {
      return {
        status: "REJECT",
        state: null,
        reason: "This run has already completed with a stored result; a COMPLETED state without one would drop it.",
      };
    }
    return undefined;
  },
};
