// A VALIDATION_FAILED answer, turned into errors on the form fields it names: the server sends
// extensions.errors = [{ path: JSON pointer into the validated value, message }], and the field
// (e.g. input.parameters) the value came from.
import type { ErrorSchema } from "@rjsf/utils";
import type { CombinedError } from "urql";

export interface FieldErrors {
  /** per field, as react-jsonschema-form's extraErrors; empty when the error named no field */
  schema: ErrorSchema;
  /** the messages no field of the form shows (another input, or not a validation error) */
  other: string[];
}

/** `field`: the input the form edits (e.g. "input.parameters"); errors about other inputs stay in `other`. */
export function fieldErrors(error: CombinedError | undefined, field: string): FieldErrors {
  const result: FieldErrors = { schema: {}, other: [] };
  for (const e of error?.graphQLErrors ?? []) {
    const issues = e.extensions?.errors as { path: string; message: string }[] | undefined;
    if (e.extensions?.code !== "VALIDATION_FAILED" || e.extensions.field !== field || !Array.isArray(issues)) {
      result.other.push(e.message);
      continue;
    }
    for (const issue of issues) {
      const steps = issue.path
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
      let at = result.schema as Record<string, unknown>;
      for (const step of steps) at = (at[step] ??= {}) as Record<string, unknown>;
      const list = ((at.__errors as string[] | undefined) ??= []);
      list.push(issue.message);
    }
  }
  if (error?.networkError) result.other.push(`Cannot reach the server: ${error.networkError.message}`);
  return result;
}
