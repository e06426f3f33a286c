// One naming rule for everything users name — flows, deployments, work pools, queues, workers, runs —
// whether created explicitly (createWorkQueue) or implicitly (applyDeployment naming a missing pool).
import { BadUserInputError } from "./errors.js";
import { LIMITS } from "./limits.js";

// Prefect's rule: these names appear in slugs ("flow/deployment") and URLs
const FORBIDDEN = /[/%&><]/;

export function checkName(value: string, field: string): string {
  if (value.trim() === "") throw new BadUserInputError(`${field} must not be empty`, field);
  if (value.length > LIMITS.nameLength) {
    throw new BadUserInputError(
      `${field} must be at most ${LIMITS.nameLength} characters (got ${value.length})`,
      field,
    );
  }
  if (FORBIDDEN.test(value)) throw new BadUserInputError(`${field} must not contain / % & > or <`, field);
  return value;
}

/** `value`, when given, must be a valid name; null/undefined pass through. */
export function checkOptionalName(value: string | null | undefined, field: string): string | null | undefined {
  return value === null || value === undefined ? value : checkName(value, field);
}

const SHOWN = 100;

/** A name quoted for an error message, cut to 100 characters: a CONFLICT never echoes a huge name. */
export function quoteName(value: string): string {
  if (value.length <= SHOWN) return `"${value}"`;
  // never cut between the halves of a surrogate pair
  const cut = /[\uD800-\uDBFF]/.test(value[SHOWN - 1]!) ? SHOWN - 1 : SHOWN;
  return `"${value.slice(0, cut)}…" (${value.length} characters)`;
}

/** Text bounded to `max` characters (descriptions, versions, …); null/undefined pass through. */
export function checkLength<T extends string | null | undefined>(value: T, max: number, field: string): T {
  if (typeof value === "string" && value.length > max) {
    throw new BadUserInputError(
      `${field} must be at most ${max.toLocaleString("en-US")} characters (got ${value.length.toLocaleString("en-US")})`,
      field,
    );
  }
  return value;
}
