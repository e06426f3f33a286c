// A mutation's error split for a form: what the form shows next to an input (a bad name, the data's
// validation errors on their fields) and the rest, shown as a notice with its code.
import type { GraphQLError } from "graphql";
import type { CombinedError } from "urql";

/** the messages about one input, e.g. "input.name" */
export function errorsAbout(error: CombinedError | undefined, field: string): string[] {
  return (error?.graphQLErrors ?? []).filter((e) => e.extensions?.field === field).map((e) => e.message);
}

/** a VALIDATION_FAILED answer about `field`: fieldErrors() puts it on the form's fields */
export function isValidationOf(e: GraphQLError, field: string): boolean {
  return e.extensions?.code === "VALIDATION_FAILED" && e.extensions.field === field;
}

/** every message the form does not show elsewhere, with its code */
export function otherErrors(error: CombinedError | undefined, shownElsewhere: (e: GraphQLError) => boolean): string[] {
  if (!error) return [];
  const messages = error.graphQLErrors
    .filter((e) => !shownElsewhere(e))
    .map((e) => `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ""}`);
  if (error.networkError) messages.push(`Cannot reach the server: ${error.networkError.message}`);
  return messages;
}
