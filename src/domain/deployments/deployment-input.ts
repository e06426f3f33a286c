// Checks and normalizes an applyDeployment input into a plan, before any write: every problem is
// a coded error naming its field. Only fields present in the input are planned (absent = unchanged).
import { scheduleKey, type ScheduleDefinition, type ScheduleInput } from "../../schedules/schedule-definition.js";
import { parseSchedule } from "../scheduling/parse-schedule.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { BadUserInputError, validationFailed } from "../errors.js";
import { checkName } from "../flows/flow-names.js";
import { normalizeTags, requireObject, type JsonObject } from "../json.js";

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

export function planDeployment(input: DeploymentInput, schemas: JsonSchemaValidator, now: Date): DeploymentPlan {
  const plan: DeploymentPlan = {
    flowName: checkName(input.flowName, "input.flowName"),
    name: checkName(input.name, "input.name"),
    columns: {},
  };
  const c = plan.columns;
  for (const k of ["version", "description", "path", "entrypoint"] as const) {
    if (input[k] !== undefined) c[k] = input[k];
  }
  if (input.paused !== undefined) c.paused = input.paused ?? false;
  if (input.enforceParameterSchema !== undefined) c.enforceParameterSchema = input.enforceParameterSchema ?? true;
  if (input.parameters !== undefined) c.parameters = requireObject(input.parameters, "input.parameters") ?? {};
  if (input.jobVariables !== undefined) c.jobVariables = requireObject(input.jobVariables, "input.jobVariables") ?? {};
  if (input.parameterOpenapiSchema !== undefined) {
    const schema = input.parameterOpenapiSchema;
    if (schema !== null) {
      const issues = schemas.checkSchema(schema);
      if (issues.length) throw validationFailed("input.parameterOpenapiSchema", "parameterOpenapiSchema is not a valid JSON Schema:", issues);
    }
    c.parameterOpenapiSchema = (schema ?? null) as JsonObject | null;
  }
  if (input.pullSteps !== undefined) c.pullSteps = checkPullSteps(input.pullSteps);
  if (input.concurrencyLimit !== undefined) {
    const n = input.concurrencyLimit;
    if (n !== null && n < 1) throw new BadUserInputError("input.concurrencyLimit must be at least 1 (or null for no limit)", "input.concurrencyLimit");
    c.concurrencyLimit = n;
  }
  if (input.collisionStrategy !== undefined) c.collisionStrategy = input.collisionStrategy ?? "ENQUEUE";
  if (input.tags !== undefined) plan.tags = normalizeTags(input.tags, "input.tags") ?? [];
  if (input.schedules !== undefined) plan.schedules = planSchedules(input.schedules ?? [], now);
  if (input.workPoolName !== undefined || input.workQueueName !== undefined) {
    plan.queue = {
      poolName: nonEmpty(input.workPoolName, "input.workPoolName"),
      queueName: nonEmpty(input.workQueueName, "input.workQueueName"),
    };
  }
  if (input.storageBlock !== undefined) plan.storageBlock = input.storageBlock;
  if (input.infrastructureBlock !== undefined) plan.infrastructureBlock = input.infrastructureBlock;
  return plan;
}

function nonEmpty(v: string | null | undefined, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (v.trim() === "") throw new BadUserInputError(`${field} must not be empty`, field);
  return v;
}

function checkPullSteps(v: unknown): JsonObject[] | null {
  if (v === null) return null;
  if (!Array.isArray(v)) throw new BadUserInputError("input.pullSteps must be a list of steps", "input.pullSteps");
  v.forEach((step, i) => requireObject(step, `input.pullSteps[${i}]`) ?? failNull(`input.pullSteps[${i}]`));
  return v as JsonObject[];
}

function failNull(field: string): never {
  throw new BadUserInputError(`${field} must be a JSON object`, field);
}

function planSchedules(inputs: DeploymentScheduleInput[], now: Date): PlannedSchedule[] {
  const byKey = new Map<string, number>();
  return inputs.map((s, i) => {
    const field = `input.schedules[${i}]`;
    if (s.slug !== undefined && s.slug !== null && (!SLUG.test(s.slug) || s.slug.length > 100)) {
      throw new BadUserInputError(`${field}.slug must be lowercase letters, digits, ".", "_" or "-" (at most 100)`, `${field}.slug`);
    }
    const definition = parseSchedule(s.schedule, `${field}.schedule`, now);
    const key = scheduleKey(s.slug ?? null, definition);
    const twin = byKey.get(key);
    if (twin !== undefined) {
      const what = s.slug ? "slug" : "schedule";
      throw new BadUserInputError(`${field}.${what} duplicates input.schedules[${twin}] (same ${s.slug ? "slug" : "definition"})`, `${field}.${what}`);
    }
    byKey.set(key, i);
    return {
      slug: s.slug ?? null,
      key,
      active: s.active ?? true,
      definition,
      parameters: requireObject(s.parameters, `${field}.parameters`) ?? {},
      position: i,
    };
  });
}
