// Seed 000's DeploymentSpec written in code: a TypeScript/JavaScript module whose exports are
// toDeployment(…) results (or lists of them), applied like a YAML file — same checks (schedules,
// blocks, duplicates), the code read where it is, infrastructure / flowRunner / infraOverrides as
// the older YAML shape takes them.
import path from "node:path";
import { deploymentInput, type FlowDeployment } from "../../sdk/deployment.js";
import { FLOW_MARK } from "../../flow-contract.js";
import { CliError } from "../common/errors.js";
import { importFlowModule } from "./flow-metadata.js";
import { infrastructureSpec, type FlowRunnerSpec } from "./flow-runner.js";
import { expandDotKeys } from "./job-variables.js";
import type { DeploymentPlan } from "./plans.js";
import type { BlockSpec } from "./spec-files.js";

export const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

export async function plansFromCode(file: string, cwd: string): Promise<DeploymentPlan[]> {
  const mod = await importFlowModule(file, cwd);
  const found: Array<{ where: string; d: FlowDeployment }> = [];
  for (const [name, value] of Object.entries(mod)) {
    const list = Array.isArray(value) ? value : [value];
    list.forEach((v, i) => {
      if (isFlowDeployment(v))
        found.push({ where: `${file} (export ${name}${Array.isArray(value) ? `[${i}]` : ""})`, d: v });
    });
  }
  if (found.length === 0)
    throw new CliError(
      `${file}: exports no deployments (export toDeployment(flow, { name }) results from "ordo", or a list of them)`,
    );
  return found.map(({ where, d }) => planFromFlowDeployment(d, where, path.resolve(cwd, file)));
}

function planFromFlowDeployment(d: FlowDeployment, where: string, file: string): DeploymentPlan {
  const o = d.options;
  let input;
  try {
    // entrypoint and path are found from where flow() was called, as serve() does
    input = deploymentInput(
      d.options.path ? d : { flow: d.flow, options: { ...o, path: o.entrypoint ? path.dirname(file) : undefined } },
    );
  } catch (e) {
    throw new CliError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // what the file leaves out stays as stored, as with YAML; serve()'s "no pool" does not apply here
  delete input.workPoolName;
  delete input.workQueueName;
  delete input.storageBlock;
  delete input.pullSteps;
  if (o.workPoolName !== undefined) input.workPoolName = o.workPoolName;
  if (o.workQueueName !== undefined) input.workQueueName = o.workQueueName;
  if (o.infraOverrides !== undefined) input.jobVariables = expandDotKeys(o.infraOverrides, `${where} infraOverrides`);
  const plan: DeploymentPlan = {
    where,
    slug: `${input.flowName}/${input.name}`,
    input,
    schedules: (input.schedules ?? []).map((s, i) => ({ input: s, where: `${where} schedules[${i}]` })),
    upload: null,
  };
  const infrastructure = infrastructureSpec(
    o.infrastructure as BlockSpec | undefined,
    o.flowRunner as FlowRunnerSpec | undefined,
    (field) => `${where} ${field === "flow_runner" ? "flowRunner" : field}`,
  );
  if (infrastructure) plan.infrastructure = infrastructure;
  return plan;
}

function isFlowDeployment(v: unknown): v is FlowDeployment {
  if (typeof v !== "object" || v === null) return false;
  const { flow, options } = v as { flow?: unknown; options?: { name?: unknown } };
  return typeof flow === "function" && FLOW_MARK in flow && typeof options?.name === "string";
}
