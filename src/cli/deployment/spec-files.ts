// The deployment file shapes `ordo deployment build` writes and `apply` reads: the deployment.yaml
// of `build` (Prefect 2's, in snake_case) and the older DeploymentSpec shape (flow_location), as
// JSON Schemas that reject unknown fields, and the writer with its "do not edit" line.
import { stringify } from "yaml";
import { flowRunnerSchema, type FlowRunnerSpec } from "./flow-runner.js";

/** One schedule, flat as Prefect writes it: exactly one of interval / cron / rrule. */
export interface ScheduleEntry {
  interval?: number | string;
  cron?: string;
  rrule?: string;
  timezone?: string | null;
  anchor_date?: string | null;
  day_or?: boolean;
  active?: boolean;
  parameters?: Record<string, unknown>;
  slug?: string | null;
}

/** An inline block: `type` is the block type's slug, the other fields its data (an anonymous block is made of it). */
export type InlineBlock = { type: string } & Record<string, unknown>;

/** A block by slug (`type/name`, storage also `type/name/sub/path`) or id, or inline. */
export type BlockSpec = string | InlineBlock;

/** deployment.yaml, as `build` writes it. */
export interface DeploymentFile {
  name: string;
  description?: string | null;
  version?: string | null;
  work_pool_name?: string | null;
  work_queue_name?: string | null;
  tags?: string[];
  parameters?: Record<string, unknown>;
  schedule?: ScheduleEntry | null;
  schedules?: ScheduleEntry[];
  is_schedule_active?: boolean;
  paused?: boolean;
  concurrency_limit?: number | null;
  enforce_parameter_schema?: boolean;
  job_variables?: Record<string, unknown>;
  /** Prefect 2's name for job variables, as dotted keys ("env.KEY": "value") */
  infra_overrides?: Record<string, unknown>;
  infrastructure?: BlockSpec | null;
  /** Prefect's beta name for it: subprocess / universal → process, docker → docker-container, kubernetes → kubernetes-job */
  flow_runner?: FlowRunnerSpec;
  flow_name: string;
  entrypoint?: string | null;
  path?: string | null;
  storage?: BlockSpec | null;
  parameter_openapi_schema?: Record<string, unknown> | null;
  pull_steps?: unknown[] | null;
}

/** The older DeploymentSpec shape (Prefect's beta `deployment create`). */
export interface OldSpecFile {
  name: string;
  flow_location: string;
  flow_name?: string;
  description?: string | null;
  version?: string | null;
  tags?: string[];
  parameters?: Record<string, unknown>;
  schedule?: ScheduleEntry | null;
  flow_storage?: BlockSpec | null;
  infrastructure?: BlockSpec | null;
  flow_runner?: FlowRunnerSpec;
  infra_overrides?: Record<string, unknown>;
  job_variables?: Record<string, unknown>;
  work_pool_name?: string | null;
  work_queue_name?: string | null;
}

const nonEmpty = { type: "string", minLength: 1 } as const;
const nullableStr = { type: ["string", "null"] } as const;
const object = { type: "object" } as const;
const tags = { type: "array", items: nonEmpty } as const;

const scheduleEntry = {
  type: "object",
  properties: {
    interval: { type: ["number", "string"] },
    cron: nonEmpty,
    rrule: nonEmpty,
    timezone: nullableStr,
    anchor_date: nullableStr,
    day_or: { type: "boolean" },
    active: { type: "boolean" },
    parameters: object,
    slug: nullableStr,
  },
  additionalProperties: false,
} as const;

const blockSpec = {
  anyOf: [nonEmpty, { type: "null" }, { type: "object", properties: { type: nonEmpty }, required: ["type"] }],
} as const;

export const deploymentFileSchema = {
  type: "object",
  properties: {
    name: nonEmpty,
    description: nullableStr,
    version: nullableStr,
    work_pool_name: nullableStr,
    work_queue_name: nullableStr,
    tags,
    parameters: object,
    schedule: { anyOf: [scheduleEntry, { type: "null" }] },
    schedules: { type: "array", items: scheduleEntry },
    is_schedule_active: { type: "boolean" },
    paused: { type: "boolean" },
    concurrency_limit: { type: ["integer", "null"], minimum: 0 },
    enforce_parameter_schema: { type: "boolean" },
    job_variables: object,
    infra_overrides: object,
    infrastructure: blockSpec,
    flow_runner: flowRunnerSchema,
    flow_name: nonEmpty,
    entrypoint: nullableStr,
    path: nullableStr,
    storage: blockSpec,
    parameter_openapi_schema: { type: ["object", "null"] },
    pull_steps: { type: ["array", "null"] },
  },
  required: ["name", "flow_name"],
  additionalProperties: false,
} as const;

export const oldSpecSchema = {
  type: "object",
  properties: {
    name: nonEmpty,
    flow_location: nonEmpty,
    flow_name: nonEmpty,
    description: nullableStr,
    version: nullableStr,
    tags,
    parameters: object,
    schedule: { anyOf: [scheduleEntry, { type: "null" }] },
    flow_storage: blockSpec,
    infrastructure: blockSpec,
    flow_runner: flowRunnerSchema,
    infra_overrides: object,
    job_variables: object,
    work_pool_name: nullableStr,
    work_queue_name: nullableStr,
  },
  required: ["name", "flow_location"],
  additionalProperties: false,
} as const;

/** The older shape is recognised by its flow_location. */
export function isOldSpec(value: unknown): boolean {
  return typeof value === "object" && value !== null && "flow_location" in value;
}

export const DO_NOT_EDIT = "### DO NOT EDIT BELOW THIS LINE";

const EDITABLE: Array<[keyof DeploymentFile, string?]> = [
  ["name"],
  ["description"],
  ["version"],
  ["work_pool_name", "The work pool and queue that will handle this deployment's runs"],
  ["work_queue_name"],
  ["tags"],
  ["parameters", "Defaults for every run's parameters"],
  [
    "schedules",
    "Each one interval (seconds), cron or rrule, with timezone, anchor_date (interval), day_or (cron), active, parameters, slug",
  ],
  ["paused"],
  ["concurrency_limit"],
  ["job_variables", "Overrides of the work pool's job variables, e.g. env: { KEY: value }"],
  ["infrastructure"],
];
const FIXED: Array<keyof DeploymentFile> = ["flow_name", "entrypoint", "path", "storage", "parameter_openapi_schema"];

/** deployment.yaml text: the editable fields, the "do not edit" line, then what build derived. */
export function renderDeploymentFile(file: DeploymentFile): string {
  const section = (keys: Array<[keyof DeploymentFile, string?]>) =>
    keys
      .filter(([key]) => file[key] !== undefined)
      .map(([key, comment]) => `${comment ? `# ${comment}\n` : ""}${stringify({ [key]: file[key] }, { lineWidth: 0 })}`)
      .join("");
  return [
    "###",
    `### A complete description of an Ordo deployment for flow '${file.flow_name}'`,
    "###",
    section(EDITABLE).trimEnd(),
    "###",
    DO_NOT_EDIT,
    "###",
    section(FIXED.map((k) => [k])).trimEnd(),
    "",
  ].join("\n");
}
