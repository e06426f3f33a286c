// `{{ step-id.key }}`, `{{ $ENV }}` and `{{ ordo.blocks.type.name }}` placeholders, parsed and rendered for pull steps and `ordo deploy` alike.
import { setOwn } from "../../blocks/index.js";

/** Prefect's placeholder syntax: `{{ name }}` with word characters, dots, dashes, brackets and `$`. */
export const PLACEHOLDER = /\{\{\s*([\w.\-[\]$]+)\s*\}\}/g;

// Prefect's prefixes work too, so a prefect.yaml's block references keep working
const BLOCK_PREFIXES = ["ordo.blocks.", "prefect.blocks."];
const VARIABLE_PREFIXES = ["ordo.variables.", "prefect.variables."];

export type Reference =
  | { kind: "env"; raw: string; name: string }
  | { kind: "block"; raw: string; typeSlug: string; name: string; keyPath: string[] }
  | { kind: "variable"; raw: string; name: string }
  | { kind: "output"; raw: string; path: string[] };

/** A placeholder that cannot be resolved; the message names the placeholder. */
export class TemplateError extends Error {
  override name = "TemplateError";
}

/** What a resolver returns to leave a placeholder as written (resolved later, elsewhere). */
export const KEEP: unique symbol = Symbol("keep placeholder");

export type Resolver = (ref: Reference) => unknown | Promise<unknown>;

export function parseReference(raw: string): Reference {
  if (raw.startsWith("$")) return { kind: "env", raw, name: raw.slice(1) };
  const blockPrefix = BLOCK_PREFIXES.find((p) => raw.startsWith(p));
  if (blockPrefix) {
    const [typeSlug, name, ...keyPath] = splitPath(raw.slice(blockPrefix.length));
    if (!typeSlug || !name)
      throw new TemplateError(`{{ ${raw} }} must name a block as ${blockPrefix}<block-type>.<block-name>`);
    return { kind: "block", raw, typeSlug, name, keyPath };
  }
  const variablePrefix = VARIABLE_PREFIXES.find((p) => raw.startsWith(p));
  if (variablePrefix) return { kind: "variable", raw, name: raw.slice(variablePrefix.length) };
  return { kind: "output", raw, path: splitPath(raw) };
}

/** `a.b[0].c` → ["a", "b", "0", "c"] */
export function splitPath(dotted: string): string[] {
  return dotted
    .replace(/\[(\w+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "");
}

/** Every placeholder in a value (strings inside objects and arrays too), with where it sits. */
export function findReferences(
  value: unknown,
  at: Array<string | number> = [],
): Array<{ ref: Reference; at: Array<string | number> }> {
  if (typeof value === "string")
    return [...value.matchAll(PLACEHOLDER)].map((m) => ({ ref: parseReference(m[1]!), at }));
  if (Array.isArray(value)) return value.flatMap((v, i) => findReferences(v, [...at, i]));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => findReferences(v, [...at, k]));
  return [];
}

/**
 * Replaces the placeholders of every string in `value` (object keys are left alone). A string that
 * is exactly one placeholder becomes the resolved value itself, whatever its type (Prefect's rule,
 * so `parameters: "{{ build.config }}"` can be an object); inside longer text, values are written
 * as text (objects as JSON). A resolver answering KEEP leaves that placeholder as written.
 */
export async function renderTemplates(value: unknown, resolve: Resolver): Promise<unknown> {
  if (typeof value === "string") return renderString(value, resolve);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await renderTemplates(v, resolve));
    return out;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    // setOwn: a stored "__proto__" key must not re-link the rendered object's prototype
    for (const [k, v] of Object.entries(value)) setOwn(out, k, await renderTemplates(v, resolve));
    return out;
  }
  return value;
}

async function renderString(text: string, resolve: Resolver): Promise<unknown> {
  const matches = [...text.matchAll(PLACEHOLDER)];
  if (matches.length === 0) return text;
  if (matches.length === 1 && matches[0]![0] === text.trim()) {
    const v = await resolve(parseReference(matches[0]![1]!));
    return v === KEEP ? text : v;
  }
  let out = "";
  let last = 0;
  for (const m of matches) {
    const v = await resolve(parseReference(m[1]!));
    out += text.slice(last, m.index) + (v === KEEP ? m[0] : asText(v));
    last = m.index! + m[0].length;
  }
  return out + text.slice(last);
}

function asText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** The value at `path` in earlier step outputs, or undefined. */
export function lookup(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

/**
 * What a block reference stands for: the document's data, or the value at its key path. A block
 * whose data is only `{ value }` (a secret, a string) stands for that value, as in Prefect.
 */
export function blockValue(ref: Extract<Reference, { kind: "block" }>, data: Record<string, unknown>): unknown {
  const keys = Object.keys(data);
  const unwrap = keys.length === 1 && keys[0] === "value" && ref.keyPath[0] !== "value";
  const root = unwrap ? data.value : data;
  if (ref.keyPath.length === 0) return root;
  const v = lookup(root, ref.keyPath);
  if (v === undefined)
    throw new TemplateError(
      `{{ ${ref.raw} }}: block ${ref.typeSlug}/${ref.name} has no field ${ref.keyPath.join(".")}`,
    );
  return v;
}

/** A resolver for `{{ $VAR }}` from an environment; unset variables are errors. */
export function envValue(ref: Extract<Reference, { kind: "env" }>, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[ref.name];
  if (v === undefined) throw new TemplateError(`{{ ${ref.raw} }}: environment variable ${ref.name} is not set`);
  return v;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
