// The one intake for JSON documents from outside (API arguments, CLI flags, YAML files): refuses keys
// that reach an object's prototype, bounds depth and size, and merges/sets values without ever
// walking into a prototype. Pure, so the domain, the blocks layer, the worker and the CLI share it.

/** Keys that name a prototype link when used as a property (`o.__proto__`, `o.constructor.prototype`). */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The bounds every JSON input gets (the domain's LIMITS list them with the other limits; the CLI,
 * which cannot import the domain, checks files with the same numbers before sending them).
 */
export const JSON_INTAKE_LIMITS = { maxDepth: 32, maxBytes: 1_048_576 } as const;

export interface JsonIntakeLimits {
  /** objects and arrays nested deeper than this are refused (the document itself is depth 1) */
  maxDepth: number;
  /** UTF-8 bytes of the document written as JSON; absent: no size check */
  maxBytes?: number;
}

export interface JsonIntakeProblem {
  kind: "prototype-key" | "depth" | "size";
  /** dotted path from the field's name: "input.jobVariables.__proto__.x", "input.pullSteps[0].a" */
  path: string;
  /** the same as keys and indexes below the field, to locate it in a file */
  segments: Array<string | number>;
  message: string;
}

/** `__proto__`, `constructor` or `prototype`, exactly: a key no merge may follow or assign. */
export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key);
}

/**
 * A key that is, or contains as a dotted/bracketed part, a prototype key: job variables and
 * `--override` expand "a.b" into nested objects, so "__proto__.x" and "a.constructor" are as
 * dangerous as the plain words.
 */
export function hasPrototypeSegment(key: string): boolean {
  return isPrototypeKey(key) || key.split(/[.[\]]/).some(isPrototypeKey);
}

/** The first problem with `value` as a JSON input named `field`, or null when it may enter. */
export function jsonIntakeProblem(value: unknown, field: string, limits: JsonIntakeLimits): JsonIntakeProblem | null {
  const found = walk(value, field, [], 1, limits.maxDepth);
  if (found) return found;
  if (limits.maxBytes !== undefined) {
    // depth is bounded by now, so serializing cannot recurse without end
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
    if (bytes > limits.maxBytes) {
      return {
        kind: "size",
        path: field,
        segments: [],
        message: `${field} is ${n(bytes)} bytes as JSON, more than the maximum ${n(limits.maxBytes)}`,
      };
    }
  }
  return null;
}

const n = (x: number) => x.toLocaleString("en-US");

function walk(
  value: unknown,
  path: string,
  segments: Array<string | number>,
  depth: number,
  maxDepth: number,
): JsonIntakeProblem | null {
  if (typeof value !== "object" || value === null) return null;
  if (depth > maxDepth) {
    return { kind: "depth", path, segments, message: `${path} nests objects and lists deeper than ${maxDepth} levels` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], `${path}[${i}]`, [...segments, i], depth + 1, maxDepth);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const at = `${path}.${key}`;
    if (hasPrototypeSegment(key)) {
      return {
        kind: "prototype-key",
        path: at,
        segments: [...segments, key],
        message: `${at}: the key "${key}" is not allowed (__proto__, constructor and prototype are reserved)`,
      };
    }
    const found = walk((value as Record<string, unknown>)[key], at, [...segments, key], depth + 1, maxDepth);
    if (found) return found;
  }
  return null;
}

type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The own value at `key`, never one inherited through the prototype chain. */
export function ownValue(node: JsonObject, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

/**
 * Assigns an own property; a prototype key is skipped (false), so stored documents from before the
 * intake existed cannot re-link an object's prototype when they are read and merged.
 */
export function setOwn(node: JsonObject, key: string, value: unknown): boolean {
  if (isPrototypeKey(key)) return false;
  node[key] = value;
  return true;
}

/** Objects merged key by key into new plain objects, `later` winning; prototype keys are dropped. */
export function mergeDeep(earlier: JsonObject, later: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(earlier)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(later)) {
    const before = ownValue(out, k);
    setOwn(out, k, isJsonObject(before) && isJsonObject(v) ? mergeDeep(before, v) : v);
  }
  return out;
}

/**
 * Sets `value` at the dotted `path` below `target`, creating plain objects on the way. Returns the
 * segment that blocked it: a prototype key, or one already holding a non-object value.
 */
export function setPath(
  target: JsonObject,
  path: readonly string[],
  value: unknown,
  onExisting: "keep" | "replace" | "merge",
): { blockedAt: string; reason: "prototype-key" | "not-an-object" } | null {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    if (isPrototypeKey(segment)) return { blockedAt: segment, reason: "prototype-key" };
    const child = ownValue(node, segment);
    if (child === undefined) setOwn(node, segment, {});
    else if (!isJsonObject(child)) return { blockedAt: segment, reason: "not-an-object" };
    node = ownValue(node, segment) as JsonObject;
  }
  const last = path.at(-1)!;
  if (isPrototypeKey(last)) return { blockedAt: last, reason: "prototype-key" };
  const existing = ownValue(node, last);
  if (existing !== undefined && onExisting === "keep") return null;
  setOwn(
    node,
    last,
    onExisting === "merge" && isJsonObject(existing) && isJsonObject(value) ? mergeDeep(existing, value) : value,
  );
  return null;
}
