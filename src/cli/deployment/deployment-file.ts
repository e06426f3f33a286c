// deployment.yaml (build's shape) to a plan: snake_case fields to applyDeployment's input, leaving
// out what the file leaves out (the server then keeps the stored value), schedules and blocks kept
// with their place in the file for errors.
import path from "node:path";
import type { DeploymentInput } from "../../client/generated/graphql.js";
import { EntrypointError, parseEntrypoint } from "../../worker/executor/entrypoint.js";
import { CliError } from "../common/errors.js";
import { infrastructureSpec } from "./flow-runner.js";
import { expandDotKeys, mergeDeep } from "./job-variables.js";
import type { DeploymentPlan } from "./plans.js";
import { scheduleInput } from "./schedules.js";
import type { DeploymentFile } from "./spec-files.js";

export interface FileContext {
  /** where a field is, `file:line:col` */
  where(field: Array<string | number>): string;
  /** the folder relative local paths resolve against (the file's) */
  baseDir: string;
  /** upload this folder to the deployment's storage first (apply --upload, build) */
  upload: { dir: string; exclude: string[] } | null;
}

export function planFromDeploymentFile(file: DeploymentFile, ctx: FileContext): DeploymentPlan {
  const input: DeploymentInput = { flowName: file.flow_name, name: file.name };
  const set = <K extends keyof DeploymentInput>(key: K, value: DeploymentInput[K] | undefined) => {
    if (value !== undefined) input[key] = value;
  };
  set("description", file.description);
  set("version", file.version);
  set("tags", file.tags);
  set("parameters", file.parameters);
  set("workPoolName", file.work_pool_name);
  set("workQueueName", file.work_queue_name);
  set("paused", file.paused);
  set("concurrencyLimit", file.concurrency_limit);
  set("enforceParameterSchema", file.enforce_parameter_schema);
  set("parameterOpenapiSchema", file.parameter_openapi_schema);
  set("pullSteps", file.pull_steps);
  if (typeof file.entrypoint === "string") checkEntrypoint(file.entrypoint, ctx.where(["entrypoint"]));
  set("entrypoint", file.entrypoint);
  // without storage the code is read where it is: a relative path is the file's neighbour
  const local = file.storage === undefined || file.storage === null;
  set("path", typeof file.path === "string" && local ? path.resolve(ctx.baseDir, file.path) : file.path);
  if (file.job_variables !== undefined || file.infra_overrides !== undefined) {
    input.jobVariables = mergeDeep(
      expandDotKeys(file.job_variables ?? {}, ctx.where(["job_variables"])),
      expandDotKeys(file.infra_overrides ?? {}, ctx.where(["infra_overrides"])),
    );
  }

  const schedules = scheduleList(file, ctx);
  if (schedules) input.schedules = schedules.map((s) => s.input);
  const plan: DeploymentPlan = {
    where: ctx.where([]),
    slug: `${file.flow_name}/${file.name}`,
    input,
    schedules: schedules ?? [],
    upload: null,
  };
  if (file.storage !== undefined) plan.storage = { spec: file.storage, where: ctx.where(["storage"]) };
  const infrastructure = infrastructureSpec(file.infrastructure, file.flow_runner, (field) => ctx.where([field]));
  if (infrastructure) plan.infrastructure = infrastructure;
  if (ctx.upload) plan.upload = ctx.upload;
  return plan;
}

/** `schedules: [...]`, or Prefect 2's single `schedule`; undefined when the file has neither. */
function scheduleList(file: DeploymentFile, ctx: FileContext) {
  if (file.schedule !== undefined && file.schedules !== undefined)
    throw new CliError(`${ctx.where(["schedule"])}: give schedule or schedules, not both`);
  const active = file.is_schedule_active ?? true;
  if (file.schedules !== undefined)
    return file.schedules.map((entry, i) => ({
      input: scheduleInput(entry, ctx.where(["schedules", i]), active),
      where: ctx.where(["schedules", i]),
    }));
  if (file.schedule !== undefined)
    return file.schedule === null
      ? []
      : [{ input: scheduleInput(file.schedule, ctx.where(["schedule"]), active), where: ctx.where(["schedule"]) }];
  if (file.is_schedule_active !== undefined)
    throw new CliError(`${ctx.where(["is_schedule_active"])}: is_schedule_active goes with schedule or schedules`);
  return undefined;
}

export function checkEntrypoint(entrypoint: string, where: string): void {
  try {
    parseEntrypoint(entrypoint);
  } catch (e) {
    throw new CliError(`${where}: ${e instanceof EntrypointError ? e.message : String(e)}`);
  }
}
