// The older ways a deployment file names its infrastructure: Prefect's beta `flow_runner`
// (subprocess / universal / docker / kubernetes, flat or with `config`), mapped to infrastructure
// block types, and inline blocks written the way Prefect 2 writes them (snake_case, nulls,
// `command: [python, -m, prefect.engine]`) read in Ordo's words.
import { isPrototypeKey } from "../../validation/json-intake.js";
import { CliError } from "../common/errors.js";
import type { BlockSpec, InlineBlock } from "./spec-files.js";

/** flow_runner types → the infrastructure block types that replaced them (Prefect 2.0). */
export const FLOW_RUNNER_TYPES: Record<string, string> = {
  subprocess: "process",
  universal: "process",
  docker: "docker-container",
  kubernetes: "kubernetes-job",
};

export type FlowRunnerSpec =
  | string
  | ({ type: string; config?: Record<string, unknown> | null } & Record<string, unknown>);

export const flowRunnerSchema = {
  anyOf: [
    { type: "string", enum: Object.keys(FLOW_RUNNER_TYPES) },
    {
      type: "object",
      properties: {
        type: { type: "string", enum: Object.keys(FLOW_RUNNER_TYPES) },
        config: { type: ["object", "null"] },
      },
      required: ["type"],
    },
  ],
} as const;

/** `flow_runner` as an inline infrastructure block (`config`'s fields, or the flat ones, are its data). */
export function flowRunnerBlock(runner: FlowRunnerSpec, where: string): InlineBlock {
  const { type, config, ...flat } = typeof runner === "string" ? { type: runner } : runner;
  const slug = FLOW_RUNNER_TYPES[type];
  if (!slug)
    throw new CliError(
      `${where}: flow_runner type "${type}" is not one of ${Object.keys(FLOW_RUNNER_TYPES).join(", ")}`,
    );
  return normalizeInlineBlock({ type: slug, ...flat, ...(config ?? {}) });
}

/** Either `infrastructure` or `flow_runner` (not both) as the plan's block spec; undefined when neither is there. */
export function infrastructureSpec(
  infrastructure: BlockSpec | null | undefined,
  runner: FlowRunnerSpec | undefined,
  at: (field: string) => string,
): { spec: BlockSpec | null; where: string } | undefined {
  if (infrastructure !== undefined && runner !== undefined)
    throw new CliError(`${at("flow_runner")}: give infrastructure or flow_runner, not both`);
  if (runner !== undefined) {
    const type = typeof runner === "string" ? runner : runner.type;
    return { spec: flowRunnerBlock(runner, at("flow_runner")), where: `${at("flow_runner")} (flow_runner ${type})` };
  }
  if (infrastructure === undefined) return undefined;
  return {
    spec:
      infrastructure !== null && typeof infrastructure === "object"
        ? normalizeInlineBlock(infrastructure)
        : infrastructure,
    where: at("infrastructure"),
  };
}

/**
 * An inline block as Prefect writes it, in Ordo's words: null fields left out (`name: null`),
 * snake_case keys camelCased (`stream_output`, `working_dir`), and Prefect's own engine command
 * (`python -m prefect.engine`) dropped so the block runs Ordo's executor.
 */
export function normalizeInlineBlock(spec: InlineBlock): InlineBlock {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (value === null || isPrototypeKey(key)) continue;
    const name = key === "type" ? key : key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (
      name === "command" &&
      Array.isArray(value) &&
      value.some((v) => typeof v === "string" && v.startsWith("prefect."))
    )
      continue;
    if (name === "workingDir" && Object.hasOwn(out, "workingDir")) continue;
    out[name] = value;
  }
  return out as InlineBlock;
}
