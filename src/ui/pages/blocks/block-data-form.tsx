// The data of a block document as a form generated from its type's JSON Schema, with secrets as
// password inputs; shared by the new-document and edit views.
import type { ErrorSchema } from "@rjsf/utils";
import { type ReactNode, useMemo } from "react";
import { SchemaForm } from "../../components/schema-form";
import { blockUiSchema, formSchema, withoutUntouchedObjects } from "./block-form-schema";

export function BlockDataForm(props: {
  id: string;
  fields: unknown;
  secretFields: readonly string[];
  /** where secrets are already stored (editing): their empty inputs keep them */
  storedSecrets?: readonly string[][];
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
  /** the data to save: optional objects the form only filled with defaults are left out */
  onSubmit(value: Record<string, unknown>): void;
  fieldErrors?: ErrorSchema;
  disabled?: boolean;
  children: ReactNode;
}) {
  const { fields, secretFields, storedSecrets } = props;
  const schema = useMemo(() => formSchema(fields), [fields]);
  const uiSchema = useMemo(
    () => blockUiSchema(schema, secretFields, storedSecrets ?? []),
    [schema, secretFields, storedSecrets],
  );
  return (
    <div className="block-data-form">
      <SchemaForm
        id={props.id}
        schema={schema}
        uiSchema={uiSchema}
        value={props.value}
        onChange={props.onChange}
        onSubmit={(value) => props.onSubmit(withoutUntouchedObjects(value, schema))}
        fieldErrors={props.fieldErrors}
        disabled={props.disabled}
      >
        {props.children}
      </SchemaForm>
    </div>
  );
}
