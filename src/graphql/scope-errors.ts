// Turns a scope-auth refusal into FORBIDDEN naming the scope the operation needs (and the key's own).
import type { AuthFailure } from "@pothos/plugin-scope-auth";
import type { Principal } from "../auth/principal.js";
import { ForbiddenError } from "../domain/errors.js";

/** The scopes a failed check asked for, in the order declared. */
function neededScopes(failure: AuthFailure): string[] {
  if ("scope" in failure && typeof failure.scope === "string") return [failure.scope];
  if ("failures" in failure && Array.isArray(failure.failures))
    return failure.failures.flatMap((f) => neededScopes(f as AuthFailure));
  return [];
}

export function forbidden(field: string, principal: Principal, failure: AuthFailure): ForbiddenError {
  const needed = [...new Set(neededScopes(failure))];
  const what = needed.length ? needed.map((s) => `"${s}"`).join(" or ") : "another";
  const held = principal.scopes.length ? principal.scopes.join(", ") : "none";
  return new ForbiddenError(`${field} needs the ${what} scope; the API key "${principal.name}" has: ${held}`);
}
