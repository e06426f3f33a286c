// A block type's JSON Schema made ready for the generated form: what the form cannot show is left to
// the server's validation, free-form objects get a JSON text field, and secret fields become
// password inputs that are never prefilled.
import type { UiSchema } from "@rjsf/utils";
import { JsonTextField } from "./json-text-field";

type Schema = Record<string, unknown>;

const KEEP_SECRET = "stored — leave empty to keep";

function isSchema(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typesOf(schema: Schema): unknown[] {
  return Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
}

function propertiesOf(schema: Schema): Record<string, Schema> {
  return isSchema(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
}

/**
 * The schema for the form: without `$schema` (the form's validator knows draft-07 only); without
 * `minItems` (the form would add that many empty items, sent as nulls, even to an optional list);
 * and without the anyOf/oneOf/not that only combine `required` lists of an object's properties
 * ("password or token"): the form would show them as a meaningless option picker. The server
 * still checks all of them.
 */
export function formSchema(fields: unknown): Schema {
  const strip = (node: Schema): Schema => {
    const out: Schema = { ...node };
    delete out.$schema;
    delete out.minItems;
    if (isSchema(out.properties)) {
      delete out.anyOf;
      delete out.oneOf;
      delete out.not;
      out.properties = Object.fromEntries(
        Object.entries(propertiesOf(out)).map(([k, v]) => [k, isSchema(v) ? strip(v) : v]),
      );
    }
    if (isSchema(out.items)) out.items = strip(out.items);
    if (isSchema(out.additionalProperties)) out.additionalProperties = strip(out.additionalProperties);
    return out;
  };
  return isSchema(fields) ? strip(fields) : { type: "object" };
}

/** Options a select could offer: every one a constant. */
function isChoice(options: unknown): boolean {
  return Array.isArray(options) && options.every((o) => isSchema(o) && "const" in o);
}

/**
 * A value the generated inputs cannot edit: an object with no listed properties (no input at all),
 * or a choice between shapes (`anyOf: [array, string, null]`, an unlabelled "Option 1" picker).
 */
function needsJsonText(schema: Schema): boolean {
  const freeForm =
    typesOf(schema).includes("object") && !isSchema(schema.properties) && !isSchema(schema.additionalProperties);
  const shapes = [schema.anyOf, schema.oneOf].some((o) => Array.isArray(o) && !isChoice(o));
  return (freeForm && !schema.anyOf && !schema.oneOf) || (shapes && !isSchema(schema.properties));
}

function isPlainString(schema: Schema): boolean {
  const types = typesOf(schema);
  return (
    types.includes("string") && types.every((t) => t === "string" || t === "null") && !schema.anyOf && !schema.oneOf
  );
}

function jsonTextUi(extra: Record<string, unknown> = {}): UiSchema {
  return { "ui:field": JsonTextField, "ui:options": { fieldReplacesAnyOrOneOf: true, ...extra } };
}

/** Values the generated inputs cannot edit, anywhere under named properties. */
function jsonTextFields(schema: Schema, ui: UiSchema): void {
  for (const [key, child] of Object.entries(propertiesOf(schema))) {
    if (!isSchema(child)) continue;
    if (needsJsonText(child)) ui[key] = jsonTextUi();
    else if (isSchema(child.properties)) jsonTextFields(child, (ui[key] ??= {}) as UiSchema);
  }
}

/** `editing`: a value is stored, and an empty input keeps it. A secret: a password input; an object of secrets: each of its texts; anything else: masked JSON text. */
function secretUi(schema: Schema, ui: UiSchema, editing: boolean): void {
  if (isPlainString(schema)) {
    ui["ui:widget"] = "password";
    ui["ui:options"] = { autocomplete: "new-password" };
    if (editing) ui["ui:placeholder"] = KEEP_SECRET;
  } else if (isSchema(schema.properties)) {
    for (const [key, child] of Object.entries(propertiesOf(schema))) {
      if (isSchema(child)) secretUi(child, (ui[key] ??= {}) as UiSchema, editing);
    }
    if (editing) {
      const about = typeof schema.description === "string" ? `${schema.description}. ` : "";
      ui["ui:description"] =
        `${about}A value is stored: leave all of these empty to keep it (filling any replaces it whole).`;
    }
  } else {
    Object.assign(ui, jsonTextUi({ secret: true, ...(editing ? { placeholder: KEEP_SECRET } : {}) }));
  }
}

/** The schema node a secret path names, and the uiSchema node for it (created on the way). */
function locate(schema: Schema, ui: UiSchema, path: string): [Schema, UiSchema] | null {
  let node = schema;
  let at = ui;
  for (const segment of path.split(".")) {
    let child: unknown;
    let key: string;
    if (segment === "*") {
      child = isSchema(node.items) ? node.items : node.additionalProperties;
      key = isSchema(node.items) ? "items" : "additionalProperties";
    } else {
      child = propertiesOf(node)[segment];
      key = segment;
    }
    if (!isSchema(child)) return null;
    node = child;
    at = (at[key] ??= {}) as UiSchema;
  }
  return [node, at];
}

/** A secret path (`*` = any key) names a stored location, or a place inside or around one. */
function overlaps(path: string[], location: readonly string[]): boolean {
  const n = Math.min(path.length, location.length);
  return path.slice(0, n).every((segment, i) => segment === "*" || segment === location[i]);
}

/**
 * `stored`: where the document being edited holds a secret (secretFields.withoutMaskedSecrets); those
 * inputs say that leaving them empty keeps the secret. Empty for a new document.
 */
export function blockUiSchema(schema: Schema, secretPaths: readonly string[], stored: readonly string[][]): UiSchema {
  const ui: UiSchema = {};
  jsonTextFields(schema, ui);
  for (const path of secretPaths) {
    const found = locate(schema, ui, path);
    const kept = stored.some((location) => overlaps(path.split("."), location));
    if (found) secretUi(found[0], found[1], kept);
  }
  return ui;
}

/** Nothing but defaults or blanks: what the form fills in an optional object the user never opened. */
function isUntouched(value: unknown, schema: Schema): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (!isSchema(value) || !isSchema(schema.properties)) return "default" in schema && schema.default === value;
  const properties = propertiesOf(schema);
  return Object.entries(value).every(([k, v]) => isUntouched(v, properties[k] ?? {}));
}

/**
 * The form's value without the optional objects it filled with their defaults alone (an
 * image_registry of { reauth: true } would fail for want of its required username): the form
 * proposes defaults, but an object nobody filled in is not part of the data.
 */
export function withoutUntouchedObjects(value: Record<string, unknown>, schema: Schema): Record<string, unknown> {
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const properties = propertiesOf(schema);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const child = properties[key];
    if (!child || !isSchema(child.properties) || !isSchema(v)) {
      out[key] = v;
      continue;
    }
    if (!required.includes(key) && isUntouched(v, child)) continue;
    out[key] = withoutUntouchedObjects(v, child);
  }
  return out;
}
