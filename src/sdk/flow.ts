// flow(): turns a function into a flow, a callable that carries the options deployments and the
// executor read (name, parameter schema, retries).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../installation.js";
import { FLOW_MARK } from "../flow-contract.js";

/** A JSON Schema (draft 2020-12) object; for a flow, the schema of its one parameters object. */
export type JsonSchema = Record<string, unknown>;

export interface FlowOptions {
  /** the flow's name on the server (deployments are `<flow name>/<deployment name>`) */
  name: string;
  description?: string;
  version?: string;
  /** JSON Schema of the parameters object, e.g. { type: "object", properties: { name: { type: "string" } } } */
  parameters?: JsonSchema;
  /** how many times a failed run is re-run by the executor (default 0) */
  retries?: number;
  /** seconds between those attempts (default 0) */
  retryDelaySeconds?: number;
}

/** A flow's code: called with the run's parameters as one object. */
export type FlowFunction<P, R> = (parameters: P) => R | Promise<R>;

/** What the executor reads from a flow (under FLOW_MARK). */
export interface FlowDescriptor<P = any, R = unknown> {
  readonly options: Readonly<FlowOptions>;
  readonly fn: FlowFunction<P, R>;
  /** where flow() was called: serve() derives the deployment's entrypoint from it */
  readonly source: { readonly file: string; readonly line: number } | null;
}

export interface Flow<P = Record<string, any>, R = unknown> {
  /** Runs the flow's function here and now, once: no server, no retries (the executor adds those). */
  (parameters: P): Promise<Awaited<R>>;
  readonly options: Readonly<FlowOptions>;
  readonly fn: FlowFunction<P, R>;
  readonly [FLOW_MARK]: FlowDescriptor<P, R>;
}

/**
 * Defines a flow. `fn` receives the run's parameters as one object (a deployment's parameters
 * merged with the run's), so the parameters schema describes that object's properties.
 *
 *   export const hello = flow({ name: "hello", retries: 2 }, async ({ name }: { name: string }) => `Hello ${name}`);
 */
export function flow<P = Record<string, any>, R = unknown>(options: FlowOptions, fn: FlowFunction<P, R>): Flow<P, R> {
  checkOptions(options);
  if (typeof fn !== "function")
    throw new TypeError(`flow "${options.name}": the second argument must be the flow's function`);
  const frozen = Object.freeze({
    ...options,
    ...(options.parameters ? { parameters: structuredClone(options.parameters) } : {}),
  });
  const descriptor: FlowDescriptor<P, R> = Object.freeze({ options: frozen, fn, source: callerSite() });
  const callable = async (parameters: P): Promise<Awaited<R>> => await fn(parameters);
  Object.defineProperty(callable, "name", { value: options.name });
  Object.defineProperties(callable, {
    options: { value: frozen, enumerable: true },
    fn: { value: fn, enumerable: true },
    [FLOW_MARK]: { value: descriptor },
  });
  return callable as unknown as Flow<P, R>;
}

export function isFlow(value: unknown): value is Flow {
  return typeof value === "function" && FLOW_MARK in value;
}

// this module as the stack names it: compiled, or its source when source maps are on (tsx, --enable-source-maps)
const HERE = new Set([fileURLToPath(import.meta.url), path.join(PACKAGE_ROOT, "src", "sdk", "flow.ts")]);

/** The file and line of flow()'s caller, from the stack (source-mapped under tsx). */
function callerSite(): { file: string; line: number } | null {
  for (const frame of (new Error().stack ?? "").split("\n").slice(1)) {
    const m = /((?:file:\/\/)?\/[^():?]+)(?:\?[^:]*)?:(\d+):\d+\)?$/.exec(frame.trim());
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    if (!HERE.has(file)) return Object.freeze({ file, line: Number(m[2]) });
  }
  return null;
}

function checkOptions(o: FlowOptions): void {
  if (typeof o !== "object" || o === null)
    throw new TypeError("flow(): the first argument must be the options object ({ name, … })");
  const bad = (field: string, rule: string) => new TypeError(`flow "${String(o.name)}": ${field} ${rule}`);
  if (typeof o.name !== "string" || o.name.trim() === "")
    throw new TypeError("flow(): options.name must be a non-empty string");
  if (o.description !== undefined && typeof o.description !== "string") throw bad("description", "must be a string");
  if (o.version !== undefined && typeof o.version !== "string") throw bad("version", "must be a string");
  if (
    o.parameters !== undefined &&
    (typeof o.parameters !== "object" || o.parameters === null || Array.isArray(o.parameters))
  ) {
    throw bad("parameters", "must be a JSON Schema object");
  }
  if (o.retries !== undefined && !(Number.isInteger(o.retries) && o.retries >= 0))
    throw bad("retries", "must be a whole number ≥ 0");
  if (
    o.retryDelaySeconds !== undefined &&
    !(typeof o.retryDelaySeconds === "number" && Number.isFinite(o.retryDelaySeconds) && o.retryDelaySeconds >= 0)
  ) {
    throw bad("retryDelaySeconds", "must be a number ≥ 0");
  }
}
