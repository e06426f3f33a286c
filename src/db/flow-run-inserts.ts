// The create-run path (every createFlowRun) in as few statements as the database allows: the
// deployment with its pool in one read, and the run with its first state in one insert.
import { Prisma } from "../generated/prisma/client.js";
import type { Database, Tx } from "./prisma-client.js";
import { writeRunStates, type RunStateWrite } from "./run-transitions.js";

/** What a new run takes from its deployment, and from the pool of the deployment's queue. */
export interface DeploymentForRun {
  id: string;
  flowId: string;
  version: string | null;
  parameters: unknown;
  parameterOpenapiSchema: unknown;
  enforceParameterSchema: boolean;
  tags: unknown;
  jobVariables: unknown;
  workQueueId: string | null;
  workQueueName: string | null;
  workPoolName: string | null;
  baseJobTemplate: unknown;
}

/** One statement; null when there is no such deployment. */
export async function readDeploymentForRun(
  tx: Tx,
  ref: { id: string } | { flowName: string; name: string },
): Promise<DeploymentForRun | null> {
  const where =
    "id" in ref ? Prisma.sql`d."id" = ${ref.id}` : Prisma.sql`d."name" = ${ref.name} AND f."name" = ${ref.flowName}`;
  const [row] = await tx.$queryRaw<DeploymentForRun[]>`
    SELECT d."id", d."flowId", d."version", d."parameters", d."parameterOpenapiSchema", d."enforceParameterSchema", d."tags",
      d."jobVariables", d."workQueueId", d."workQueueName", p."name" AS "workPoolName", p."baseJobTemplate"
    FROM "Deployment" d
    JOIN "Flow" f ON f."id" = d."flowId"
    LEFT JOIN "WorkQueue" q ON q."id" = d."workQueueId"
    LEFT JOIN "WorkPool" p ON p."id" = q."workPoolId"
    WHERE ${where}`;
  return row ? { ...row, enforceParameterSchema: Boolean(row.enforceParameterSchema) } : null;
}

/** A new run's own columns; its state columns come from the orchestrator's first transition. */
export interface NewRun {
  id: string;
  name: string;
  flowId: string;
  deploymentId: string | null;
  deploymentVersion: string | null;
  parameters: unknown;
  jobVariables: unknown;
  tags: string[];
  tagsKey: string;
  idempotencyKey: string | null;
  empiricalPolicy: unknown;
  workQueueId: string | null;
  workQueueName: string | null;
}

/**
 * Inserts the run together with its first state (the orchestrator's write). PostgreSQL: one
 * statement — the state row is inserted by a CTE, and the foreign keys between the two rows are
 * checked at the end of the statement. SQLite: run, state, then the run's state columns.
 * A duplicate idempotency key fails like Prisma's own insert would (see isUniqueViolation).
 */
export async function insertRunWithState(db: Database, tx: Tx, run: NewRun, write: RunStateWrite): Promise<void> {
  const created = write.at;
  if (db.provider !== "postgresql") {
    await tx.flowRun.create({
      data: {
        ...run,
        parameters: run.parameters as Prisma.InputJsonValue,
        jobVariables: run.jobVariables as Prisma.InputJsonValue,
        empiricalPolicy: run.empiricalPolicy as Prisma.InputJsonValue,
        created,
        updated: created,
      },
      select: { id: true },
    });
    await writeRunStates(db, tx, [write]);
    return;
  }
  const time = (d: Date | null) => (d === null ? null : d.toISOString());
  const { state: s, columns: c } = write;
  await tx.$executeRaw`
    WITH "state" AS (
      INSERT INTO "FlowRunState" ("id", "flowRunId", "type", "name", "timestamp", "message", "scheduledTime", "data", "details")
      VALUES (${s.id}, ${run.id}, ${s.type}, ${s.name}, ${time(s.timestamp)}::timestamp(3), ${s.message}, ${time(s.scheduledTime)}::timestamp(3),
        ${s.data === null || s.data === undefined ? null : JSON.stringify(s.data)}::jsonb, ${JSON.stringify(s.details)}::jsonb)
    )
    INSERT INTO "FlowRun" ("id", "name", "flowId", "deploymentId", "deploymentVersion", "parameters", "jobVariables", "tags", "tagsKey",
      "idempotencyKey", "empiricalPolicy", "workQueueId", "workQueueName", "stateId", "stateType", "stateName", "stateTimestamp",
      "startTime", "endTime", "expectedStartTime", "nextScheduledStartTime", "totalRunTime", "runCount", "created", "updated")
    VALUES (${run.id}, ${run.name}, ${run.flowId}, ${run.deploymentId}, ${run.deploymentVersion}, ${JSON.stringify(run.parameters)}::jsonb,
      ${JSON.stringify(run.jobVariables)}::jsonb, ${JSON.stringify(run.tags)}::jsonb, ${run.tagsKey}, ${run.idempotencyKey},
      ${JSON.stringify(c.empiricalPolicy)}::jsonb, ${run.workQueueId}, ${run.workQueueName}, ${s.id}, ${c.stateType}, ${c.stateName},
      ${time(c.stateTimestamp)}::timestamp(3), ${time(c.startTime)}::timestamp(3), ${time(c.endTime)}::timestamp(3),
      ${time(c.expectedStartTime)}::timestamp(3), ${time(c.nextScheduledStartTime)}::timestamp(3), ${c.totalRunTime}::double precision,
      ${c.runCount}::integer, ${time(created)}::timestamp(3), ${time(created)}::timestamp(3))`;
}
