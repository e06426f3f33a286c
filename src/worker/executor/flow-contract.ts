// The executor's side of the flow contract (src/flow-contract.ts, shared with the SDK): recognising
// a flow export, and installing the run for the flow code to read.
import { FLOW_MARK, type FlowRunRuntime, RUNTIME_KEY } from "../../flow-contract.js";

export type { RunContext } from "../../flow-contract.js";

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
