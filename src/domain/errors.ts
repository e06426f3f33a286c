// Domain errors: each carries the API error code and the input field it is about. The GraphQL
// layer maps them to GraphQL errors (graphql/errors.ts); anything else is masked as internal.
import type { ValidationIssue } from "../validation/ajv.js";

export type ErrorCode =
  | "BAD_USER_INPUT"
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN";

export abstract class OrdoError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    /** dotted path of the offending argument/input field, e.g. "input.schedules[0].schedule.cron.timezone" */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends OrdoError {
  readonly code = "BAD_USER_INPUT" as const;
}

export class ValidationFailedError extends OrdoError {
  readonly code = "VALIDATION_FAILED" as const;
  constructor(
    message: string,
    field: string,
    readonly errors: ValidationIssue[],
  ) {
    super(message, field);
  }
}

export class NotFoundError extends OrdoError {
  readonly code = "NOT_FOUND" as const;
}

export class ConflictError extends OrdoError {
  readonly code = "CONFLICT" as const;
}

/** No key, or a key that is unknown, revoked or expired. */
export class UnauthenticatedError extends OrdoError {
  readonly code = "UNAUTHENTICATED" as const;
}

/** The key is valid but lacks the scope; the message names the scope needed. */
export class ForbiddenError extends OrdoError {
  readonly code = "FORBIDDEN" as const;
}

/** Builds the one-line summary used as a VALIDATION_FAILED message. */
export function validationFailed(field: string, what: string, errors: ValidationIssue[]): ValidationFailedError {
  const list = errors.map((e) => `${e.path || "/"} ${e.message}`).join("; ");
  return new ValidationFailedError(`${what} failed validation: ${list}`, field, errors);
}
