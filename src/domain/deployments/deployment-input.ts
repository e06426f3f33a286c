// Checks and normalizes an applyDeployment input into a plan, before any write: every problem is
// a coded error naming its field. Only fields present in the input are planned (absent = unchanged).
import { scheduleKey, type ScheduleDefinition, type ScheduleInput } from "../../schedules/schedule-definition.js";
import { parseSchedule } from "../scheduling/parse-schedule.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { BadUserInputError, validationFailed } from "../errors.js";
import { acceptJson, acceptObject } from "../json-input.js";
import { normalizeTags, type JsonObject } from "../json.js";
import { LIMITS } from "../limits.js";
import { checkLength, checkName, checkOptionalName } from "../names.js";
import { checkEntrypoint, checkPullSteps } from "./deployment-checks.js";

export interface DeploymentScheduleInput {
  slug?: string | null;
  active?: boolean | null;
  schedule: ScheduleInput;
  parameters?: unknown;
}

export interface DeploymentInput {
  flowName: string;
  name: string;
  version?: string | null;
  description?: string | null;
  paused?: boolean | null;
  schedules?: DeploymentScheduleInput[] | null;
  parameters?: unknown;
  parameterOpenapiSchema?: unknown;
  enforceParameterSchema?: boolean | null;
  tags?: string[] | null;
  path?: string | null;
  entrypoint?: string | null;
  pullSteps?: unknown;
  jobVariables?: unknown;
  workPoolName?: string | null;
  workQueueName?: string | null;
  storageBlock?: string | null;
  infrastructureBlock?: string | null;
  concurrencyLimit?: number | null;
  collisionStrategy?: "ENQUEUE" | "CANCEL_NEW" | null;
}

export interface PlannedSchedule {
  slug: string | null;
  key: string;
  active: boolean;
  definition: ScheduleDefinition;
  parameters: JsonObject;
  position: number;
}

/** Columns copied as given; `undefined` leaves the stored value unchanged. */
export interface DeploymentColumns {
  version?: string | null;
  description?: string | null;
  paused?: boolean;
  parameters?: JsonObject;
  parameterOpenapiSchema?: JsonObject | null;
  enforceParameterSchema?: boolean;
  path?: string | null;
  entrypoint?: string | null;
  pullSteps?: JsonObject[] | null;
  jobVariables?: JsonObject;
  concurrencyLimit?: number | null;
  collisionStrategy?: "ENQUEUE" | "CANCEL_NEW";
}

export interface DeploymentPlan {
  flowName: string;
  name: string;
  columns: DeploymentColumns;
  tags?: string[];
  schedules?: PlannedSchedule[];
  /** undefined: keep the current queue; otherwise re-resolve (both null = no queue) */
  queue?: { poolName: string | null; queueName: string | null };
  storageBlock?: string | null;
  infrastructureBlock?: string | null;
}

const SLUG = /^[a-z0-9][a-z0-9._-]*$/;

/** `pluginPullSteps`: the pull steps the loaded plugins add to Ordo's own (pull_from_s3…). */
export function planDeployment(
  input: DeploymentInput,
  schemas: JsonSchemaValidator,
  now: Date,
  pluginPullSteps: readonly string[] = [],
): DeploymentPlan {
  const plan: DeploymentPlan = {
    flowName: checkName(input.flowName, "input.flowName"),
    name: checkName(input.name, "input.name"),
    columns: {},
  };
  const c = plan.columns;
  if (input.version !== undefined) c.version = checkLength(input.version, LIMITS.shortTextLength, "input.version");
  if (input.description !== undefined)
    c.description = checkLength(input.description, LIMITS.descriptionLength, "input.description");
  if (input.path !== undefined) c.path = checkLength(input.path, LIMITS.entrypointLength, "input.path");
  if (input.entrypoint !== undefined) c.entrypoint = checkEntrypoint(input.entrypoint, "input.entrypoint");
  if (input.paused !== undefined) c.paused = input.paused ?? false;
  if (input.enforceParameterSchema !== undefined) c.enforceParameterSchema = input.enforceParameterSchema ?? true;
  if (input.parameters !== undefined) c.parameters = acceptObject(input.parameters, "input.parameters") ?? {};
  if (input.jobVariables !== undefined) c.jobVariables = acceptObject(input.jobVariables, "input.jobVariables") ?? {};
  if (input.parameterOpenapiSchema !== undefined) {
    const schema = acceptJson(input.parameterOpenapiSchema, "input.parameterOpenapiSchema");
    if (schema !== null) {
      const issues = schemas.checkSchema(schema);
      if (issues.length)
        throw validationFailed(
          "input.parameterOpenapiSchema",
          "parameterOpenapiSchema is not a valid JSON Schema:",
          issues,
        );
    }
    c.parameterOpenapiSchema = (schema ?? null) as JsonObject | null;
  }
  if (input.pullSteps !== undefined) c.pullSteps = checkPullSteps(input.pullSteps, "input.pullSteps", pluginPullSteps);
  if (input.concurrencyLimit !== undefined) {
    const n = input.concurrencyLimit;
    if (n !== null && n < 1)
      throw new BadUserInputError(
        "input.concurrencyLimit must be at least 1 (or null for no limit)",
        "input.concurrencyLimit",
      );
    c.concurrencyLimit = n;
  }
  if (input.collisionStrategy !== undefined) c.collisionStrategy = input.collisionStrategy ?? "ENQUEUE";
  if (input.tags !== undefined) plan.tags = normalizeTags(input.tags, "input.tags") ?? [];
  if (input.schedules !== undefined) plan.schedules = planSchedules(input.schedules ?? [], now);
  if (input.workPoolName !== undefined || input.workQueueName !== undefined) {
    // the same naming rules as createWorkPool / createWorkQueue: these may create them
    plan.queue = {
      poolName: checkOptionalName(input.workPoolName, "input.workPoolName") ?? null,
      queueName: checkOptionalName(input.workQueueName, "input.workQueueName") ?? null,
    };
  }
  if (input.storageBlock !== undefined)
    plan.storageBlock = checkLength(input.storageBlock, LIMITS.entrypointLength, "input.storageBlock");
  if (input.infrastructureBlock !== undefined)
    plan.infrastructureBlock = checkLength(
      input.infrastructureBlock,
      LIMITS.entrypointLength,
      "input.infrastructureBlock",
    );
  return plan;
}

function planSchedules(inputs: DeploymentScheduleInput[], now: Date): PlannedSchedule[] {
  const byKey = new Map<string, number>();
  return inputs.map((s, i) => {
    const field = `input.schedules[${i}]`;
    if (s.slug !== undefined && s.slug !== null && (!SLUG.test(s.slug) || s.slug.length > 100)) {
      throw new BadUserInputError(
        `${field}.slug must be lowercase letters, digits, ".", "_" or "-" (at most 100)`,
        `${field}.slug`,
      );
    }
    const definition = parseSchedule(s.schedule, `${field}.schedule`, now);
    const key = scheduleKey(s.slug ?? null, definition);
    const twin = byKey.get(key);
    if (twin !== undefined) {
      const what = s.slug ? "slug" : "schedule";
      throw new BadUserInputError(
        `${field}.${what} duplicates input.schedules[${twin}] (same ${s.slug ? "slug" : "definition"})`,
        `${field}.${what}`,
      );
    }
    byKey.set(key, i);
    return {
      slug: s.slug ?? null,
      key,
      active: s.active ?? true,
      definition,
      parameters: acceptObject(s.parameters, `${field}.parameters`) ?? {},
      position: i,
    };
  });
}
