// A form generated from a JSON Schema (deployment parameters, block documents) by react-jsonschema-form.
// The server is the one judge of validity: the form does not validate on its own, and the errors of a
// VALIDATION_FAILED answer are shown on the fields they name (api/field-errors.ts).
import Form from "@rjsf/core";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import type { ReactNode } from "react";

export interface SchemaFormProps {
  /** a form id, so labels and errors are unique on a page with two forms */
  id: string;
  schema: Record<string, unknown>;
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
  onSubmit(value: Record<string, unknown>): void;
  fieldErrors?: ErrorSchema;
  uiSchema?: UiSchema;
  disabled?: boolean;
  /** the submit button(s); a plain "Submit" when absent */
  children?: ReactNode;
}

export function SchemaForm(props: SchemaFormProps) {
  return (
    <Form
      idPrefix={props.id}
      schema={props.schema as RJSFSchema}
      uiSchema={props.uiSchema}
      formData={props.value}
      validator={validator}
      noValidate
      // an optional object the user never touched stays absent (filled with its defaults, it
      // could fail a required field the user never saw)
      experimental_defaultFormStateBehavior={{ emptyObjectFields: "populateRequiredDefaults" }}
      noHtml5Validate
      showErrorList={false}
      extraErrors={props.fieldErrors}
      disabled={props.disabled}
      onChange={(e) => props.onChange((e.formData ?? {}) as Record<string, unknown>)}
      onSubmit={(e) => props.onSubmit((e.formData ?? {}) as Record<string, unknown>)}
    >
      {props.children}
    </Form>
  );
}
