// Checks Ajv's meta-schema cannot make (it runs non-strict for generated schemas): a `required`
// name missing from `properties`, and a secret path that reaches no property of the schema; and
// the secret paths a schema declares itself, with `writeOnly` / `format: "password"`.

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_SINGLES = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
];

function escape(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Every subschema with its JSON pointer inside the root schema, the root included. */
export function* subschemas(schema: Schema, pointer = ""): Generator<[Schema, string]> {
  yield [schema, pointer];
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (!isSchema(map)) continue;
    for (const [name, sub] of Object.entries(map))
      if (isSchema(sub)) yield* subschemas(sub, `${pointer}/${key}/${escape(name)}`);
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

/** Follows a local "#/..." reference; anything else (other documents, "#anchor") cannot be checked here. */
function deref(root: Schema, schema: Schema): Schema | null {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  if (ref !== "#" && !ref.startsWith("#/")) return null;
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

// ---- secret fields declared in the schema ------------------------------------------------------

/** A secret property the path syntax cannot name; `pointer` is where in the schema. */
export class UnnamableSecretError extends Error {
  constructor(
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`${pointer} ${problem}`);
    this.name = "UnnamableSecretError";
  }
}

/** `writeOnly: true` (JSON Schema) or `format: "password"` (what Pydantic's SecretStr renders). */
export function isSecretSchema(schema: Schema): boolean {
  return schema.writeOnly === true || schema.format === "password";
}

/** null stands for `*`: any key of an object, any index of an array */
type Segment = string | null;

/**
 * The secret paths a schema marks, in the order its properties are declared: a subschema with
 * `writeOnly: true` or `format: "password"` is secret as a whole (nothing under it is walked).
 * Object properties are named (`credentials.secretKey`); additionalProperties, patternProperties
 * and unevaluatedProperties values are `*` (so every key of that object, declared ones included);
 * array `items` are `*` and `prefixItems` their index; allOf / anyOf / oneOf / then / else /
 * dependentSchemas branches describe the same value; local `$ref`s ("#/$defs/…") are followed.
 * Throws UnnamableSecretError for what a path cannot name: the whole configuration, a key with
 * "." or "*", secrets inside a recursive `$ref`.
 */
export function schemaSecretPaths(root: Schema): string[] {
  const found = new Set<string>();
  const cycles = new Set<string>();

  /** Returns how many secrets it found under `node` (repeats included), to detect recursive ones. */
  const visit = (node: Schema, at: Segment[], pointer: string, refs: readonly string[]): number => {
    let count = 0;
    const ref = node.$ref;
    if (typeof ref === "string") {
      const target = deref(root, node);
      if (refs.includes(ref)) {
        cycles.add(ref);
      } else if (target) {
        count += visit(target, at, ref.slice(1), [...refs, ref]);
        if (count > 0 && cycles.has(ref)) {
          throw new UnnamableSecretError(
            pointer || "/",
            `reaches secret fields through the recursive reference ${ref}, which no path can name; list them in secretFields instead`,
          );
        }
      }
      // draft 2020-12: keywords beside $ref apply too, so go on
    }
    if (isSecretSchema(node)) {
      if (at.length === 0)
        throw new UnnamableSecretError(pointer || "/", "marks the whole configuration secret: mark its fields instead");
      const bad = at.find((s) => s !== null && (s === "" || s.includes(".") || s.includes("*")));
      if (bad !== undefined)
        throw new UnnamableSecretError(
          pointer,
          `is secret, but a secret field's path cannot name the key "${bad}" (empty, or with "." or "*")`,
        );
      found.add(at.map((s) => s ?? "*").join("."));
      return count + 1;
    }
    const sub = (key: string, segment: Segment | undefined, name?: string) => {
      const child = name === undefined ? node[key] : (node[key] as Schema)[name];
      if (!isSchema(child)) return;
      const next = segment === undefined ? at : [...at, segment];
      count += visit(child, next, `${pointer}/${key}${name === undefined ? "" : `/${escape(name)}`}`, refs);
    };
    for (const key of ["properties", "patternProperties", "dependentSchemas"]) {
      const map = node[key];
      if (!isSchema(map)) continue;
      for (const name of Object.keys(map))
        sub(key, key === "properties" ? name : key === "patternProperties" ? null : undefined, name);
    }
    sub("additionalProperties", null);
    sub("unevaluatedProperties", null);
    sub("items", null);
    const prefix = node.prefixItems;
    if (Array.isArray(prefix)) prefix.forEach((_, i) => sub("prefixItems", String(i), String(i)));
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((_, i) => sub(key, undefined, String(i)));
    }
    sub("then", undefined);
    sub("else", undefined);
    return count;
  };

  visit(root, [], "", []);
  return [...found];
}
