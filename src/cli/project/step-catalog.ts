// The steps `ordo deploy` knows: Ordo's own (run_shell_script, push_to_storage; the worker's pull
// steps) and, when ordo.yaml names one that is not, the installed plugins' (build_docker_image…).
import type { BlockRegistry, StepDefinition } from "../../blocks/index.js";
import { PULL_STEP_ALIASES, shortStepName } from "../../blocks/step-names.js";
import { PULL_STEPS } from "../../worker/executor/pull-steps.js";
import type { StepSpec } from "../../worker/steps/step-spec.js";
import { progress } from "../common/output.js";
import { cliBlockContainer, cliPlugins } from "../common/plugins.js";
import type { Project } from "./project-file.js";
import { runShellScript } from "./shell-step.js";
import type { DeployStepContext } from "./steps.js";
import { pushToStorage } from "./storage-step.js";

/** Steps that run at deploy time (build and push sections). */
export const DEPLOY_STEPS: Record<string, StepSpec<DeployStepContext>> = {
  run_shell_script: runShellScript,
  push_to_storage: pushToStorage,
};

export interface StepCatalog {
  /** build and push steps, runnable here */
  deploy: Record<string, StepSpec<DeployStepContext>>;
  /** pull steps: checked here, run by the worker */
  pull: Record<string, Pick<StepSpec<unknown>, "args" | "required" | "outputs" | "extraArgs">>;
}

export const OWN_STEPS: StepCatalog = { deploy: DEPLOY_STEPS, pull: PULL_STEPS };

/** Ordo's own steps, plus the plugins' when the file names a step Ordo does not have (plugins load only then). */
export async function stepCatalog(project: Project): Promise<StepCatalog> {
  const own = (name: string) => name in DEPLOY_STEPS || name in PULL_STEPS;
  if (stepNames(project.value).every((n) => own(shortStepName(n, PULL_STEP_ALIASES)))) return OWN_STEPS;
  return withPlugins(await cliPlugins());
}

export function withPlugins(registry: BlockRegistry): StepCatalog {
  const deploy: StepCatalog["deploy"] = { ...DEPLOY_STEPS };
  for (const name of [...registry.stepNames("build"), ...registry.stepNames("push")])
    deploy[name] = deployStep(registry.step(name)!.definition, registry);
  const pull: StepCatalog["pull"] = { ...PULL_STEPS };
  for (const name of registry.stepNames("pull")) pull[name] = registry.step(name)!.definition;
  return { deploy, pull };
}

function deployStep(step: StepDefinition, registry: BlockRegistry): StepSpec<DeployStepContext> {
  return {
    args: step.args,
    required: step.required,
    outputs: step.outputs,
    run: (args, ctx) =>
      step.run(args, {
        directory: ctx.dir,
        log: progress,
        createBlock: (slug, config) => registry.createInstance(slug, config, cliBlockContainer()),
      }),
  };
}

/** The step keys of the file's build, push and pull sections and of each deployment's. */
function stepNames(value: Project["value"]): string[] {
  const sections = [
    value as unknown as Record<string, unknown>,
    ...((value.deployments ?? []) as unknown as Record<string, unknown>[]),
  ];
  const names: string[] = [];
  for (const holder of sections) {
    for (const section of ["build", "push", "pull"]) {
      const steps = holder?.[section];
      if (!Array.isArray(steps)) continue;
      for (const step of steps)
        if (step !== null && typeof step === "object" && !Array.isArray(step)) names.push(...Object.keys(step));
    }
  }
  return names;
}
