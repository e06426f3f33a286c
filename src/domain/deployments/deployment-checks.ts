// What applyDeployment checks so that its runs can start: the entrypoint's shape, known pull steps
// (before the transaction), and — once the pool and the stored values are known — job variables
// against the pool's `variables` schema and parameters against an enforced parameter schema.
import { pullStepName, PULL_STEP_ALIASES, PULL_STEP_NAMES, shortStepName } from "../../blocks/index.js";
import type { Tx } from "../../db/prisma-client.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { BadUserInputError, validationFailed } from "../errors.js";
import { acceptJson } from "../json-input.js";
import { isPlainObject, requireObject, type JsonObject } from "../json.js";
import { LIMITS } from "../limits.js";
import { checkLength } from "../names.js";
import { checkJobVariables } from "../work-pools/job-variables.js";
import type { DeploymentPlan } from "./deployment-input.js";

// The executor's rule (worker/executor/entrypoint.ts): the last colon splits file and export name
const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;

/** `path/to/file.ts:exportName`, as the executor will parse it. */
export function checkEntrypoint(value: string | null | undefined, field: string): string | null | undefined {
  if (value === null || value === undefined) return value;
  checkLength(value, LIMITS.entrypointLength, field);
  const i = value.lastIndexOf(":");
  if (i <= 0 || value.slice(0, i).trim() === "" || !EXPORT_NAME.test(value.slice(i + 1).trim())) {
    throw new BadUserInputError(
      `${field} must be path/to/file.ts:exportName (an export name after the last ":")`,
      field,
    );
  }
  return value;
}

const OWN = [...PULL_STEP_NAMES, ...Object.keys(PULL_STEP_ALIASES)];

/**
 * A list of one-key objects `{ step_name: { …arguments } }` naming steps a worker can run: Ordo's
 * own, or `pluginSteps` (the loaded plugins' pull steps; a worker needs the same plugins).
 */
export function checkPullSteps(
  value: unknown,
  field: string,
  pluginSteps: readonly string[] = [],
): JsonObject[] | null {
  if (value === null) return null;
  acceptJson(value, field);
  if (!Array.isArray(value)) throw new BadUserInputError(`${field} must be a list of steps`, field);
  return value.map((step, i) => {
    const at = `${field}[${i}]`;
    const obj = requireObject(step, at);
    const keys = obj ? Object.keys(obj) : [];
    if (!obj || keys.length !== 1)
      throw new BadUserInputError(`${at} must be a one-key object { step_name: { …arguments } }`, at);
    const given = keys[0]!;
    if (!pullStepName(given) && !pluginSteps.includes(shortStepName(given))) {
      throw new BadUserInputError(
        `${at}: unknown pull step "${given.slice(0, 100)}" (known: ${[...OWN, ...pluginSteps].join(", ")})`,
        at,
      );
    }
    const args = obj[given];
    if (args !== null && args !== undefined && !isPlainObject(args)) {
      throw new BadUserInputError(`${at}.${given}: the arguments must be an object`, `${at}.${given}`);
    }
    return obj;
  });
}

interface StoredDeployment {
  parameters: unknown;
  parameterOpenapiSchema: unknown;
  enforceParameterSchema: boolean;
  jobVariables: unknown;
  workQueueId: string | null;
}

// Prefect's default schema for a new deployment accepts any parameters
const ANY_PARAMETERS = { type: "object", properties: {} };

/**
 * After the queue is resolved, inside the apply transaction (a failure rolls back, implicitly
 * created pools included). Only what this apply changes is checked, so a re-apply of something
 * else never fails on values stored before these checks existed. Required values are not demanded:
 * a run may still supply them (Prefect's ignore_required).
 */
export async function checkWhatRunsNeed(
  tx: Tx,
  schemas: JsonSchemaValidator,
  plan: DeploymentPlan,
  existing: StoredDeployment | null,
  workQueueId: string | null | undefined,
): Promise<void> {
  const c = plan.columns;
  if (c.jobVariables !== undefined || plan.queue !== undefined) {
    const queueId = workQueueId !== undefined ? workQueueId : (existing?.workQueueId ?? null);
    const queue = queueId
      ? await tx.workQueue.findUnique({
          where: { id: queueId },
          select: { workPool: { select: { baseJobTemplate: true } } },
        })
      : null;
    const field = c.jobVariables !== undefined ? "input.jobVariables" : "input.workPoolName";
    checkJobVariables(
      schemas,
      queue?.workPool.baseJobTemplate,
      [c.jobVariables ?? existing?.jobVariables ?? {}],
      field,
      true,
    );
  }
  if (
    c.parameters === undefined &&
    c.parameterOpenapiSchema === undefined &&
    c.enforceParameterSchema === undefined &&
    !plan.schedules
  )
    return;
  const enforce = c.enforceParameterSchema ?? existing?.enforceParameterSchema ?? true;
  const schema =
    c.parameterOpenapiSchema !== undefined
      ? (c.parameterOpenapiSchema ?? (existing ? null : ANY_PARAMETERS))
      : (existing?.parameterOpenapiSchema ?? ANY_PARAMETERS);
  if (!enforce || !isPlainObject(schema)) return;
  const parameters = (c.parameters ?? (isPlainObject(existing?.parameters) ? existing.parameters : {})) as JsonObject;
  const issues = schemas.validate(schema, parameters, { ignoreRequired: true });
  if (issues.length) throw validationFailed("input.parameters", "Parameters", issues);
  for (const s of plan.schedules ?? []) {
    if (Object.keys(s.parameters).length === 0) continue;
    const scheduled = schemas.validate(schema, { ...parameters, ...s.parameters }, { ignoreRequired: true });
    if (scheduled.length)
      throw validationFailed(`input.schedules[${s.position}].parameters`, "Schedule parameters", scheduled);
  }
}
