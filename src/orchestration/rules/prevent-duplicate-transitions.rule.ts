// Makes client retries of a state proposal idempotent by recognising an already-applied transition id.
import type { OrchestrationRule } from "../rule.js";

export const PreventDuplicateTransitions: OrchestrationRule = {
  name: "PreventDuplicateTransitions",
  from: "ANY",
  to: "ANY",
  apply(ctx) {
    const proposedId = ctx.proposed.details.transitionId;
    // A client that lost the response to its first call re-sends the same proposal; answering with
    // the current state (instead of writing it twice) keeps retries safe.
    if (proposedId && proposedId === ctx.current?.details.transitionId) {
      return { status: "REJECT", state: null, reason: "This transition was already applied." };
    }
    return undefined;
  },
};
