// Build/push/pull sections of ordo.yaml parsed into steps that know their place in the file; build and push steps run in order.
import type { OrdoClient } from "../../client/ordo-client.js";
import { PULL_STEP_ALIASES } from "../../worker/executor/pull-steps.js";
import {
  checkArgs,
  parseStep,
  StepError,
  type ParsedStep,
  type StepOutputs,
  type StepSpec,
} from "../../worker/steps/step-spec.js";
import { TemplateError } from "../../worker/steps/templating.js";
import { CliError } from "../common/errors.js";
import { progress } from "../common/output.js";
import type { Project } from "./project-file.js";
import { OWN_STEPS, type StepCatalog } from "./step-catalog.js";

export interface DeployStepContext {
  /** the project folder: where scripts run and what push_to_storage uploads by default */
  dir: string;
  client: OrdoClient;
}

export type Section = "build" | "push" | "pull";

export interface StepSite {
  section: Section;
  /** where the step sits in the document, for placeholders' lines */
  at: Array<string | number>;
  /** "build[0]", or "deployments[1].pull[0]" for a deployment's own section */
  label: string;
  /** "ordo.yaml:7:5: build[0]" */
  where: string;
  step: ParsedStep;
  spec: Pick<StepSpec<unknown>, "args" | "required" | "outputs" | "extraArgs">;
  /** build and push steps: what runs it here */
  run?: StepSpec<DeployStepContext>["run"];
}

/**
 * The steps of a section at `at` (["build"] or ["deployments", 1, "build"]), checked for a known
 * name and known arguments before anything runs; null when the section is absent or null.
 */
export function parseSection(
  project: Project,
  at: Array<string | number>,
  section: Section,
  steps: StepCatalog = OWN_STEPS,
): StepSite[] | null {
  let node: unknown = project.value;
  for (const key of at) node = (node as Record<string | number, unknown> | undefined)?.[key];
  if (node === undefined || node === null) return null;
  const known = section === "pull" ? steps.pull : steps.deploy;
  return (node as unknown[]).map((raw, i) => {
    const stepAt = [...at, i];
    const label = `${at.map((k, j) => (typeof k === "number" ? `[${k}]` : j === 0 ? k : `.${k}`)).join("")}[${i}]`;
    const where = `${project.doc.locate(stepAt)}: ${label}`;
    try {
      const step = parseStep(raw, where, known, section === "pull" ? PULL_STEP_ALIASES : {});
      const spec = known[step.name]!;
      checkArgs(step.args, { args: spec.args, required: [], extraArgs: spec.extraArgs }, `${where}.${step.given}`);
      return {
        section,
        at: [...stepAt, step.given],
        label,
        where,
        step,
        spec,
        run: section === "pull" ? undefined : steps.deploy[step.name]!.run,
      };
    } catch (e) {
      if (e instanceof StepError) throw new CliError(hint(e.message, section, steps));
      throw e;
    }
  });
}

// a step in the wrong section is the likeliest unknown step: say where it belongs
function hint(message: string, section: Section, steps: StepCatalog): string {
  const m = /unknown step "(?:[\w.]+\.)?(\w+)"/.exec(message);
  if (!m) return message;
  if (section === "pull" && m[1]! in steps.deploy)
    return `${message}; ${m[1]} runs at deploy time (build or push), not on the worker`;
  if (section !== "pull" && (m[1]! in steps.pull || m[1]! in PULL_STEP_ALIASES))
    return `${message}; ${m[1]} is a pull step (runs on the worker)`;
  return message;
}

export type Render = (value: unknown, site: StepSite) => Promise<unknown>;

/** Runs build or push steps in order, each rendered just before it runs; outputs gather in `outputs`. */
export async function runSteps(
  sites: StepSite[],
  outputs: Record<string, unknown>,
  render: Render,
  ctx: DeployStepContext,
): Promise<void> {
  for (const site of sites) {
    const { step } = site;
    progress(`${site.label} ${step.name}${step.id ? ` (id ${step.id})` : ""} …`);
    let args: Record<string, unknown>;
    try {
      args = (await render(step.args, site)) as Record<string, unknown>;
      checkArgs(args, site.spec, `${site.where}.${step.given}`);
    } catch (e) {
      if (e instanceof StepError || e instanceof TemplateError) throw new CliError(e.message);
      throw e;
    }
    let result: StepOutputs;
    try {
      result = await site.run!(args, ctx);
    } catch (e) {
      throw new CliError(`${site.where} ${step.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    Object.assign(outputs, result);
    if (step.id) outputs[step.id] = result;
  }
}
