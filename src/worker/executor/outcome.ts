// One call of a flow and what comes of it: its outcome (an error thrown outside its promise chain
// counts as its failure), its result as state data, and errors and answers as one line.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedFlow } from "./flow-contract.js";

const MAX_RESULT_BYTES = 64 * 1024;

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One call of the flow; an error thrown outside its promise chain (a timer, a stray rejection) fails it too. */
export async function callFlow(flow: LoadedFlow, parameters: Record<string, unknown>): Promise<Outcome> {
  let crash: (e: unknown) => void = () => {};
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  const onCrash = (e: unknown) => crash(e);
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  try {
    // a copy: a flow that mutates its parameters must not change what a retry gets
    return {
      ok: true,
      value: await Promise.race([Promise.resolve().then(() => flow.fn(structuredClone(parameters))), crashed]),
    };
  } catch (error) {
    return { ok: false, error };
  } finally {
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
  }
}

export function resultData(value: unknown): { data?: unknown; note?: string } {
  if (value === undefined) return {};
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    return { note: `The flow's result was not stored: it is not JSON-serializable (${describe(e, false)})` };
  }
  if (json === undefined) return { note: "The flow's result was not stored: it is not JSON-serializable" };
  if (Buffer.byteLength(json) > MAX_RESULT_BYTES)
    return {
      note: `The flow's result was not stored: ${Buffer.byteLength(json)} bytes of JSON is over ${MAX_RESULT_BYTES}`,
    };
  return { data: JSON.parse(json) as unknown };
}

// Frames of the executor, the CLI and Node's internals say nothing about the flow's failure.
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NOISE = [
  path.join(SRC, "worker", "executor") + path.sep,
  path.join(SRC, "cli") + path.sep,
  `${path.sep}node_modules${path.sep}commander${path.sep}`,
  "node:internal/",
];

export function describe(e: unknown, withStack: boolean): string {
  if (!(e instanceof Error)) return String(e);
  if (withStack && e.stack) {
    const stack = e.stack
      .split("\n")
      .filter((line) => !(/^\s+at /.test(line) && NOISE.some((n) => line.includes(n))))
      .join("\n");
    return e.cause instanceof Error ? `${stack}\nCaused by: ${describe(e.cause, true)}` : stack;
  }
  return e.name === "Error" ? e.message : `${e.name}: ${e.message}`;
}

export function describeAnswer(r: {
  status: string;
  reason: string | null;
  state: { type: string; name: string } | null;
}): string {
  return `${r.status}${r.state ? ` (run ${r.state.name})` : ""}${r.reason ? `: ${r.reason}` : ""}`;
}
