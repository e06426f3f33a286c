// The executor's side of the contract with flow code (the SDK's side is src/sdk/runtime.ts; the
// worker layer may not import the SDK, and flow code may load its own copy of it, so the two meet
// only through these registered symbols — src/sdk/sdk.test.ts checks they agree).

export const FLOW_MARK: unique symbol = Symbol.for("ordo.flow.v1") as never;
export const RUNTIME_KEY: unique symbol = Symbol.for("ordo.runtime.v1") as never;

export interface RunContext {
  flowRunId: string;
  flowRunName: string;
  deploymentId: string | null;
  deploymentSlug: string | null;
  parameters: Record<string, unknown>;
  runCount: number;
  attempt: number;
}

export interface FlowRunRuntime {
  readonly context: RunContext;
  log(level: number, name: string, message: string): void;
}

/** What the executor needs of an entrypoint's export: a flow from the SDK, or a plain function. */
export interface LoadedFlow {
  name: string;
  retries: number;
  retryDelaySeconds: number;
  /** true for a flow() from the SDK, false for a plain function */
  isSdkFlow: boolean;
  fn: (parameters: Record<string, unknown>) => unknown;
}

/** Recognises the export, or says why it cannot be run. */
export function toLoadedFlow(value: unknown, exportName: string): LoadedFlow | string {
  const descriptor = typeof value === "function" ? (value as { [FLOW_MARK]?: unknown })[FLOW_MARK] : undefined;
  if (descriptor !== undefined) {
    const d = descriptor as { options?: Record<string, unknown>; fn?: unknown };
    if (typeof d.fn !== "function" || typeof d.options !== "object" || d.options === null)
      return `"${exportName}" carries a malformed flow descriptor`;
    const o = d.options;
    return {
      name: typeof o.name === "string" ? o.name : exportName,
      retries: typeof o.retries === "number" ? o.retries : 0,
      retryDelaySeconds: typeof o.retryDelaySeconds === "number" ? o.retryDelaySeconds : 0,
      isSdkFlow: true,
      fn: d.fn as LoadedFlow["fn"],
    };
  }
  if (typeof value === "function")
    return { name: exportName, retries: 0, retryDelaySeconds: 0, isSdkFlow: false, fn: value as LoadedFlow["fn"] };
  return `"${exportName}" is ${value === undefined ? "not exported" : `a ${typeof value}`}, not a flow (flow() from "ordo") or a function`;
}

export function installRuntime(runtime: FlowRunRuntime): () => void {
  const g = globalThis as { [RUNTIME_KEY]?: FlowRunRuntime };
  g[RUNTIME_KEY] = runtime;
  return () => {
    if (g[RUNTIME_KEY] === runtime) delete g[RUNTIME_KEY];
  };
}
