// The step shape build, push and pull sections share: a one-key object `{ step_name: { id?, …arguments } }`, short or fully-qualified names.
import { shortStepName } from "../../blocks/index.js";
import { isObject } from "./templating.js";

/** A step list that cannot run as written; the message names the step by its place. */
export class StepError extends Error {
  override name = "StepError";
}

export type StepArgs = Record<string, unknown>;
export type StepOutputs = Record<string, unknown>;

export interface StepSpec<Context> {
  args: readonly string[];
  required: readonly string[];
  /** the keys of what it returns, so references to them can be checked before anything runs */
  outputs: readonly string[];
  /** arguments besides `args` are passed on (pull_from_remote_storage's settings) instead of refused */
  extraArgs?: boolean;
  run(args: StepArgs, ctx: Context): Promise<StepOutputs>;
}

export interface ParsedStep {
  /** the name as written */
  given: string;
  /** the short name it resolved to */
  name: string;
  /** names the step's outputs for `{{ id.key }}` */
  id: string | undefined;
  /** the arguments as written (placeholders not yet resolved) */
  args: StepArgs;
}

/** `where` prefixes every message, e.g. "pullSteps[0]" or "ordo.yaml:12:5: build[0]". */
export function parseStep(
  raw: unknown,
  where: string,
  known: Record<string, unknown>,
  aliases: Record<string, string> = {},
): ParsedStep {
  const keys = isObject(raw) ? Object.keys(raw) : [];
  if (!isObject(raw) || keys.length !== 1)
    throw new StepError(`${where}: a step is a one-key object { step_name: { …arguments } }`);
  const given = keys[0]!;
  const name = shortStepName(given, aliases);
  if (!Object.hasOwn(known, name))
    throw new StepError(`${where}: unknown step "${given}" (known: ${Object.keys(known).join(", ")})`);
  const body = raw[given] ?? {};
  if (!isObject(body)) throw new StepError(`${where}.${given}: the arguments must be an object`);
  // `requires` installs Python packages in Prefect; nothing here
  const { id, requires: _requires, ...args } = body;
  if (id !== undefined && (typeof id !== "string" || id === ""))
    throw new StepError(`${where}.${given}: id must be a non-empty string`);
  return { given, name, id, args };
}

/** Unknown arguments and missing required ones (after placeholders are resolved). */
export function checkArgs(
  args: StepArgs,
  spec: Pick<StepSpec<unknown>, "args" | "required" | "extraArgs">,
  where: string,
): void {
  const unknown = spec.extraArgs ? [] : Object.keys(args).filter((k) => !spec.args.includes(k));
  if (unknown.length)
    throw new StepError(`${where}: unknown argument ${unknown.join(", ")} (accepted: ${spec.args.join(", ")})`);
  const missing = spec.required.filter((k) => typeof args[k] !== "string" || args[k] === "");
  if (missing.length) throw new StepError(`${where}: ${missing.join(", ")} must be a non-empty string`);
}

export function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new Error(`${name} must be a string`);
  return v;
}
