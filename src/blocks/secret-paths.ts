// Secret field paths ("credentials.secretKey", "headers.*"): their syntax, and where they land in
// one document, so encryption, masking and merging all act on exactly the same values.

/** Dot-separated segments; a segment is `*` (any key or array index) or a name without `.` and `*`. */
export const SECRET_PATH_PATTERN = "^(?:\\*|[^.*]+)(?:\\.(?:\\*|[^.*]+))*$";
const SECRET_PATH = new RegExp(SECRET_PATH_PATTERN);

export function isSecretPath(path: string): boolean {
  return SECRET_PATH.test(path);
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === "object" && v !== null;
}

/**
 * Every concrete location (key list) holding a non-null value at one of the paths. A location
 * inside another one is dropped: the outer value is handled whole, and acting on the inner one
 * again would then touch an already-replaced value.
 */
export function secretLocations(data: unknown, paths: readonly string[]): string[][] {
  const found = new Map<string, string[]>();
  for (const p of paths) collect(data, p.split("."), [], found);
  const byDepth = [...found.values()].sort((a, b) => a.length - b.length);
  const kept: string[][] = [];
  for (const loc of byDepth) if (!kept.some((outer) => isPrefix(outer, loc))) kept.push(loc);
  return kept;
}

function collect(node: unknown, segments: string[], at: string[], out: Map<string, string[]>): void {
  if (segments.length === 0) {
    if (node !== undefined && node !== null) out.set(JSON.stringify(at), at);
    return;
  }
  if (!isContainer(node)) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const keys = head === "*" ? Object.keys(node) : Object.hasOwn(node, head) ? [head] : [];
  for (const key of keys) collect((node as Record<string, unknown>)[key], rest, [...at, key], out);
}

function isPrefix(outer: string[], inner: string[]): boolean {
  return outer.length <= inner.length && outer.every((s, i) => s === inner[i]);
}

export function getAt(data: unknown, location: readonly string[]): unknown {
  let node = data;
  for (const key of location) {
    if (!isContainer(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Sets a value at a location that exists (found by secretLocations), so no container is created. */
export function setAt(data: unknown, location: readonly string[], value: unknown): void {
  const parent = getAt(data, location.slice(0, -1));
  if (isContainer(parent)) (parent as Record<string, unknown>)[location[location.length - 1]!] = value;
}

/** "credentials.secretKey"-style name of a concrete location, for messages. */
export function locationName(location: readonly string[]): string {
  return location.join(".");
}
