// One rendered ordo.yaml deployment (Prefect's snake_case names) plus its flow's own metadata → applyDeployment's input.
import type { DeploymentInput, DeploymentScheduleInput } from "../../client/generated/graphql.js";
import type { FlowMetadata } from "../deployment/flow-metadata.js";
import { CliError } from "../common/errors.js";
import { entrySchedules, type DeploymentEntry, type Project, type ScheduleEntry } from "./project-file.js";

/** The deployment fields placeholders may appear in (name and entrypoint identify it and are literal). */
export const TEMPLATED_FIELDS = [
  "flow_name",
  "version",
  "description",
  "tags",
  "parameters",
  "enforce_parameter_schema",
  "paused",
  "concurrency_limit",
  "schedules",
  "schedule",
  "work_pool",
] as const;

export interface InputParts {
  project: Project;
  index: number;
  /** the entry with its placeholders resolved */
  entry: DeploymentEntry;
  flow: FlowMetadata;
  /** a content hash of the entrypoint's file: the version when neither the file nor the flow gives one */
  fileHash: string;
  pullSteps: unknown[];
}

/**
 * The file is the whole truth for what it describes: a field it leaves out is reset, except
 * `schedules` and `paused`, which keep what the deployment has (Prefect's rule).
 */
export function toDeploymentInput({ project, index, entry, flow, fileHash, pullSteps }: InputParts): DeploymentInput {
  const at = (...p: Array<string | number>) => project.doc.locate(["deployments", index, ...p]);
  const label = `deployments[${index}]`;
  if (entry.flow_name && entry.flow_name !== flow.flowName) {
    throw new CliError(
      `${at("flow_name")}: ${label}.flow_name is "${entry.flow_name}" but ${entry.entrypoint} is flow "${flow.flowName}"`,
    );
  }
  const schedules = entrySchedules(entry);
  const tags = entry.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string"))
    throw new CliError(`${at("tags")}: ${label}.tags must be a list of strings (after templating)`);
  const parameters = entry.parameters ?? {};
  if (!isObject(parameters))
    throw new CliError(`${at("parameters")}: ${label}.parameters must be a mapping (after templating)`);
  const jobVariables = entry.work_pool?.job_variables ?? {};
  if (!isObject(jobVariables))
    throw new CliError(
      `${at("work_pool", "job_variables")}: ${label}.work_pool.job_variables must be a mapping (after templating)`,
    );
  const limit = entry.concurrency_limit;
  const version = entry.version === undefined || entry.version === null ? (flow.version ?? fileHash) : entry.version;
  return {
    flowName: flow.flowName,
    name: entry.name,
    entrypoint: entry.entrypoint,
    version,
    description: entry.description ?? flow.description,
    tags,
    parameters,
    parameterOpenapiSchema: flow.parameterSchema,
    enforceParameterSchema: entry.enforce_parameter_schema ?? true,
    concurrencyLimit: typeof limit === "object" && limit !== null ? limit.limit : (limit ?? null),
    collisionStrategy: typeof limit === "object" && limit !== null ? (limit.collision_strategy ?? null) : null,
    workPoolName: entry.work_pool?.name ?? null,
    workQueueName: entry.work_pool?.work_queue_name ?? null,
    jobVariables,
    pullSteps,
    ...(entry.paused === undefined ? {} : { paused: entry.paused }),
    // left out: the schedules stay as they are; [] or null: none
    // `schedule:` (one, Prefect 2.1x) is a list of one; `schedule: null` is none
    ...(schedules === undefined ? {} : { schedules: (schedules ?? []).map(toScheduleInput) }),
  };
}

function toScheduleInput(s: ScheduleEntry): DeploymentScheduleInput {
  const schedule =
    s.cron !== undefined
      ? { cron: { cron: s.cron, timezone: s.timezone, dayOr: s.day_or } }
      : s.interval !== undefined
        ? { interval: { interval: s.interval, anchorDate: s.anchor_date, timezone: s.timezone } }
        : { rrule: { rrule: s.rrule!, timezone: s.timezone } };
  return { schedule, active: s.active, parameters: s.parameters, slug: s.slug };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
