// Every JSON-typed argument enters the domain through here (DESIGN invariant 8): the validation
// layer's intake — no prototype keys, bounded depth and size — refused as BAD_USER_INPUT naming the path.
import { jsonIntakeProblem } from "../validation/json-intake.js";
import { BadUserInputError } from "./errors.js";
import { requireObject, type JsonObject } from "./json.js";
import { LIMITS } from "./limits.js";

/** Any JSON value (an object, a list, a scalar); returned unchanged when it may enter. */
export function acceptJson<T>(value: T, field: string): T {
  const problem = jsonIntakeProblem(value, field, { maxDepth: LIMITS.jsonDepth, maxBytes: LIMITS.jsonBytes });
  if (problem) throw new BadUserInputError(problem.message, problem.path);
  return value;
}

/** A JSON object (or absent), through the intake. */
export function acceptObject(value: unknown, field: string): JsonObject | undefined {
  return requireObject(acceptJson(value, field), field);
}
