// The SDK's side of the flow contract (src/flow-contract.ts): the run the executor installs, read
// by flow code through getRunContext() and the run logger.
import { type FlowRunRuntime, RUNTIME_KEY, type RunContext } from "../flow-contract.js";

export type { RunContext } from "../flow-contract.js";

export function currentRuntime(): FlowRunRuntime | undefined {
  return (globalThis as { [RUNTIME_KEY]?: FlowRunRuntime })[RUNTIME_KEY];
}

/** The run this code executes in, or null when it is called directly (outside `ordo flow-run execute`). */
export function getRunContext(): RunContext | null {
  const runtime = currentRuntime();
  return runtime ? { ...runtime.context } : null;
}
