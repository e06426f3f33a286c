// Checks Ajv's meta-schema cannot make (it runs non-strict for generated schemas): a `required`
// name missing from `properties`, and a secret path that reaches no property of the schema.

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_SINGLES = ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems"];

function escape(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Every subschema with its JSON pointer inside the root schema, the root included. */
export function* subschemas(schema: Schema, pointer = ""): Generator<[Schema, string]> {
  yield [schema, pointer];
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (!isSchema(map)) continue;
    for (const [name, sub] of Object.entries(map)) if (isSchema(sub)) yield* subschemas(sub, `${pointer}/${key}/${escape(name)}`);
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const [i, sub] of list.entries()) if (isSchema(sub)) yield* subschemas(sub, `${pointer}/${key}/${i}`);
  }
  for (const key of SCHEMA_SINGLES) {
    const sub = schema[key];
    if (isSchema(sub)) yield* subschemas(sub, `${pointer}/${key}`);
  }
}

/**
 * The first `required` entry its own schema does not declare, as [pointer, name]. Only schemas
 * with `properties` and no other source of keys are checked: there a stray name is a typo.
 */
export function strayRequired(root: Schema): [string, string] | null {
  for (const [schema, pointer] of subschemas(root)) {
    const { properties, required } = schema;
    if (!isSchema(properties) || !Array.isArray(required)) continue;
    if (isSchema(schema.additionalProperties) || schema.patternProperties !== undefined) continue;
    for (const [i, name] of required.entries()) {
      if (typeof name === "string" && !Object.hasOwn(properties, name)) return [`${pointer}/required/${i}`, name];
    }
  }
  return null;
}

/** Follows a local "#/..." reference; anything else cannot be checked here. */
function deref(root: Schema, schema: Schema): Schema | null {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  if (!ref.startsWith("#")) return null;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const seg = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isSchema(node) ? node[seg] : undefined;
  }
  return isSchema(node) ? node : null;
}

/** Whether a dot path (with `*`) can reach a value the schema describes; unknowable shapes pass. */
export function secretPathReachable(root: Schema, path: string): boolean {
  let node: Schema | null = root;
  for (const segment of path.split(".")) {
    node = deref(root, node);
    if (!node) return true;
    if (node.anyOf || node.oneOf || node.allOf || node.patternProperties) return true; // unknowable here
    const { properties, additionalProperties, items } = node;
    if (isSchema(properties) && segment !== "*" && Object.hasOwn(properties, segment)) {
      node = properties[segment] as Schema;
    } else if (isSchema(additionalProperties)) {
      node = additionalProperties;
    } else if (isSchema(items)) {
      node = items;
    } else if (isSchema(properties)) {
      return segment === "*"; // declared properties: an unlisted name is a typo, as for `required`
    } else {
      return additionalProperties !== false && !isScalarType(node.type);
    }
  }
  return true;
}

function isScalarType(type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return type !== undefined && !types.includes("object") && !types.includes("array");
}
