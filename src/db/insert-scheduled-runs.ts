// The scheduler's bulk insert of brand-new SCHEDULED runs (the one write that bypasses the
// orchestrator, DESIGN invariant 1): one multi-row INSERT … ON CONFLICT (flow, idempotency key)
// DO NOTHING, so a run that exists — from an earlier pass or a concurrent scheduler — is skipped.
import type { Database, Tx } from "./prisma-client.js";

export interface ScheduledRunRow {
  id: string;
  stateId: string;
  name: string;
  flowId: string;
  deploymentId: string;
  deploymentVersion: string | null;
  parameters: unknown;
  tags: string[];
  tagsKey: string;
  idempotencyKey: string;
  scheduleKey: string;
  workQueueId: string | null;
  workQueueName: string | null;
  start: Date;
}

const RUN_COLUMNS = [
  "id", "name", "flowId", "deploymentId", "deploymentVersion", "parameters", "jobVariables", "tags", "tagsKey",
  "idempotencyKey", "autoScheduled", "scheduleKey", "empiricalPolicy", "stateType", "stateName", "stateTimestamp",
  "expectedStartTime", "nextScheduledStartTime", "totalRunTime", "runCount", "workQueueId", "workQueueName", "created", "updated",
] as const;
const JSON_COLUMNS = new Set(["parameters", "jobVariables", "tags", "empiricalPolicy"]);
const TIME_COLUMNS = new Set(["stateTimestamp", "expectedStartTime", "nextScheduledStartTime", "created", "updated"]);

/** Inserts the rows that do not exist yet with their first state; returns the ids inserted. */
export async function insertScheduledRuns(db: Database, tx: Tx, rows: ScheduledRunRow[], now: Date): Promise<string[]> {
  if (rows.length === 0) return [];
  const pg = db.provider === "postgresql";
  // SQLite stores Prisma DateTimes as "…+00:00" text; raw writes must match for comparisons to hold
  const time = (d: Date) => (pg ? d.toISOString() : d.toISOString().replace("Z", "+00:00"));
  const params: unknown[] = [];
  const placeholder = (column: string, value: unknown) => {
    params.push(value);
    const p = pg ? `$${params.length}` : "?";
    if (!pg) return p;
    return JSON_COLUMNS.has(column) ? `${p}::jsonb` : TIME_COLUMNS.has(column) ? `${p}::timestamp` : p;
  };
  const values = rows.map((r) => {
    const v: Record<(typeof RUN_COLUMNS)[number], unknown> = {
      id: r.id,
      name: r.name,
      flowId: r.flowId,
      deploymentId: r.deploymentId,
      deploymentVersion: r.deploymentVersion,
      parameters: JSON.stringify(r.parameters),
      jobVariables: "{}",
      tags: JSON.stringify(r.tags),
      tagsKey: r.tagsKey,
      idempotencyKey: r.idempotencyKey,
      autoScheduled: pg ? true : 1,
      scheduleKey: r.scheduleKey,
      empiricalPolicy: "{}",
      stateType: "SCHEDULED",
      stateName: "Scheduled",
      stateTimestamp: time(now),
      expectedStartTime: time(r.start),
      nextScheduledStartTime: time(r.start),
      totalRunTime: 0,
      runCount: 0,
      workQueueId: r.workQueueId,
      workQueueName: r.workQueueName,
      created: time(now),
      updated: time(now),
    };
    return `(${RUN_COLUMNS.map((c) => placeholder(c, v[c])).join(", ")})`;
  });
  const sql =
    `INSERT INTO "FlowRun" (${RUN_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${values.join(", ")} ` +
    `ON CONFLICT ("flowId", "idempotencyKey") DO NOTHING RETURNING "id"`;
  const inserted = new Set((await tx.$queryRawUnsafe<Array<{ id: string }>>(sql, ...params)).map((r) => r.id));
  if (inserted.size === 0) return [];
  const fresh = rows.filter((r) => inserted.has(r.id));
  await tx.flowRunState.createMany({
    data: fresh.map((r) => ({
      id: r.stateId,
      flowRunId: r.id,
      type: "SCHEDULED",
      name: "Scheduled",
      timestamp: now,
      message: "Flow run scheduled",
      scheduledTime: r.start,
      details: {},
    })),
  });
  const ids = fresh.map((r) => r.id);
  const list = ids.map((_, i) => (pg ? `$${i + 1}` : "?")).join(", ");
  await tx.$executeRawUnsafe(
    `UPDATE "FlowRun" SET "stateId" = (SELECT s."id" FROM "FlowRunState" s WHERE s."flowRunId" = "FlowRun"."id") WHERE "id" IN (${list})`,
    ...ids,
  );
  return ids;
}
