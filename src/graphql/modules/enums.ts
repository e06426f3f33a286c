// Enums shared by several domain modules.
import { STATE_TYPES } from "../../orchestration/states.js";
import { builder } from "../builder.js";

export const StateTypeEnum = builder.enumType("StateType", { values: STATE_TYPES });

export const OrchestrationStatusEnum = builder.enumType("OrchestrationStatus", {
  values: {
    ACCEPT: { description: "the proposed state was written" },
    REJECT: { description: "another state was written instead (see state), or nothing when state is the current one" },
    WAIT: { description: "nothing written; propose again after delaySeconds" },
    ABORT: { description: "nothing written; stop (e.g. another worker claimed the run)" },
  },
});
