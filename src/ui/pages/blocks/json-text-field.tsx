// A form field for values the generated inputs cannot edit: free-form objects (a Kubernetes Job
// manifest, fsspec settings) and secrets that may be an object or a text (a kubeconfig, a service
// account key). Typed as JSON, or as plain text where the schema allows a string.
import { type FieldProps, getUiOptions } from "@rjsf/utils";
import { useState } from "react";

function allowsString(schema: FieldProps["schema"]): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("string")) return true;
  const options = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return options.some(
    (o) => typeof o === "object" && (o.type === "string" || (Array.isArray(o.type) && o.type.includes("string"))),
  );
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** JSON objects and arrays as values; anything else as the text itself (the server says if it fits). */
function parse(text: string, stringAllowed: boolean): unknown {
  if (!text.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null) return value;
    return stringAllowed ? text : value;
  } catch {
    return text;
  }
}

export function JsonTextField(props: FieldProps) {
  const { schema, fieldPathId, formData, onChange, uiSchema, required, disabled, readonly, rawErrors, name } = props;
  const options = getUiOptions(uiSchema);
  const secret = options.secret === true;
  const [text, setText] = useState(() => asText(formData));
  const id = fieldPathId.$id;
  const label = (options.title as string | undefined) ?? schema.title ?? name;
  const description = (options.description as string | undefined) ?? schema.description;
  const stringAllowed = allowsString(schema);
  return (
    <div className="json-text-field">
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {description && (
        <p id={`${id}__description`} className="hint">
          {description}
          {stringAllowed ? " (JSON, or plain text)" : " (JSON)"}
        </p>
      )}
      <textarea
        id={id}
        name={id}
        rows={secret ? 3 : 6}
        className={secret ? "secret-text" : undefined}
        value={text}
        placeholder={(options.placeholder as string | undefined) ?? (stringAllowed ? "" : "{ }")}
        required={required}
        disabled={disabled}
        readOnly={readonly}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={description ? `${id}__description` : undefined}
        aria-invalid={rawErrors?.length ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parse(e.target.value, stringAllowed), fieldPathId.path);
        }}
      />
    </div>
  );
}
