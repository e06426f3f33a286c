// Bounds on a proposed state (a run's first state or a later one): its name, message and data.
import { acceptJson } from "../json-input.js";
import { LIMITS } from "../limits.js";
import { checkLength } from "../names.js";
import type { StateInput } from "./flow-run-input.js";

export function checkStateInput(
  state: Partial<Pick<StateInput, "name" | "message" | "data">> | null | undefined,
  field: string,
): void {
  if (!state) return;
  checkLength(state.name, LIMITS.stateNameLength, `${field}.name`);
  checkLength(state.message, LIMITS.stateMessageLength, `${field}.message`);
  if (state.data !== undefined && state.data !== null) acceptJson(state.data, `${field}.data`);
}
