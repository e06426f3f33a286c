// The contract between flow code and the process running it (`ordo flow-run execute`): a flow
// carries its options under FLOW_MARK, and the executor publishes the run under RUNTIME_KEY.
// Registered symbols (Symbol.for), because flow code may load another copy of this module than the
// executor's. One module both sides import — the SDK (src/sdk/runtime.ts) and the executor
// (src/worker/executor/flow-contract.ts) — so the two cannot drift apart.

export const FLOW_MARK: unique symbol = Symbol.for("ordo.flow.v1") as never;
export const RUNTIME_KEY: unique symbol = Symbol.for("ordo.runtime.v1") as never;

/** The flow run being executed, as the executor describes it. */
export interface RunContext {
  flowRunId: string;
  flowRunName: string;
  deploymentId: string | null;
  /** flowName/deploymentName */
  deploymentSlug: string | null;
  parameters: Record<string, unknown>;
  /** the server's count of RUNNING entries (a server-side retry is a new run count) */
  runCount: number;
  /** 1-based attempt inside this process (the flow's own retries) */
  attempt: number;
}

/** What the executor installs on globalThis while it runs a flow. */
export interface FlowRunRuntime {
  readonly context: RunContext;
  /** ships one line to the run's logs (and echoes it to the process output) */
  log(level: number, name: string, message: string): void;
}
