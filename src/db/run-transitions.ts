// Reads locked flow runs with their current state, and writes transitions (new states plus the
// runs' bookkeeping columns) for one run or a whole claim in a constant number of statements.
import { Prisma } from "../generated/prisma/client.js";
import type { Database, Tx } from "./prisma-client.js";

/** A run as the orchestrator reads it once its row is locked. */
export interface LockedRun {
  id: string;
  flowId: string;
  deploymentId: string | null;
  workQueueId: string | null;
  /** the pool of its queue: carried by the event published after commit */
  workPoolName: string | null;
  infrastructurePid: string | null;
  runCount: number;
  totalRunTime: number;
  startTime: Date | null;
  endTime: Date | null;
  expectedStartTime: Date | null;
  empiricalPolicy: unknown;
  stateId: string | null;
  state: StoredState | null;
}

export interface StoredState {
  type: string;
  name: string;
  message: string | null;
  scheduledTime: Date | null;
  data: unknown;
  details: unknown;
  timestamp: Date;
}

/** One transition to write: the new state row and the run's columns that go with it. */
export interface RunStateWrite {
  runId: string;
  /** when the transition was decided (the app's Clock): the run's `updated`, and `created` for a new run */
  at: Date;
  state: StoredState & { id: string };
  columns: {
    stateType: string;
    stateName: string;
    stateTimestamp: Date;
    startTime: Date | null;
    endTime: Date | null;
    expectedStartTime: Date | null;
    nextScheduledStartTime: Date | null;
    totalRunTime: number;
    runCount: number;
    empiricalPolicy: unknown;
  };
}

type LockedRow = Omit<LockedRun, "state"> & {
  sId: string | null;
  qId: string | null;
  sType: string | null;
  sName: string | null;
  sMessage: string | null;
  sScheduledTime: Date | null;
  sData: unknown;
  sDetails: unknown;
  sTimestamp: Date | null;
};

const LOCKED_RUN_SQL = Prisma.sql`
  SELECT r."id", r."flowId", r."deploymentId", r."workQueueId", p."name" AS "workPoolName", r."infrastructurePid",
    r."runCount", r."totalRunTime", r."startTime", r."endTime", r."expectedStartTime", r."empiricalPolicy", r."stateId",
    s."id" AS "sId", s."type" AS "sType", s."name" AS "sName", s."message" AS "sMessage", s."scheduledTime" AS "sScheduledTime",
    s."data" AS "sData", s."details" AS "sDetails", s."timestamp" AS "sTimestamp", q."id" AS "qId"
  FROM "FlowRun" r
  LEFT JOIN "FlowRunState" s ON s."id" = r."stateId"
  LEFT JOIN "WorkQueue" q ON q."id" = r."workQueueId"
  LEFT JOIN "WorkPool" p ON p."id" = q."workPoolId"`;

/** The runs with their current state and pool name, in one statement; the caller holds their locks. */
export async function readLockedRuns(tx: Tx, ids: readonly string[]): Promise<LockedRun[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<LockedRow[]>`${LOCKED_RUN_SQL} WHERE r."id" IN (${Prisma.join(ids)})`;
  return rows.map(toLockedRun);
}

/**
 * Locks one run for the rest of the transaction and reads it; null when it does not exist.
 * PostgreSQL: one SELECT … FOR UPDATE OF the run. A run locked after waiting is returned at its
 * latest version, but the rows joined to it come from the statement's older snapshot; states
 * are never updated, only added, so the joined state is the current one exactly when it is the
 * one the run points at — otherwise (a transition committed while this one waited) the run is
 * read again now that it is locked. SQLite: a no-op UPDATE takes the database write lock first
 * (so two processes cannot both read the old state), then the read.
 */
export async function lockAndReadRun(db: Database, tx: Tx, id: string): Promise<LockedRun | null> {
  if (db.provider === "postgresql") {
    const [row] = await tx.$queryRaw<LockedRow[]>`${LOCKED_RUN_SQL} WHERE r."id" = ${id} FOR UPDATE OF r`;
    if (!row) return null;
    if (row.sId === row.stateId && row.qId === row.workQueueId) return toLockedRun(row);
  } else {
    const n = await tx.$executeRaw`UPDATE "FlowRun" SET "id" = "id" WHERE "id" = ${id}`;
    if (n === 0) return null;
  }
  return (await readLockedRuns(tx, [id]))[0] ?? null;
}

/**
 * Locks several runs for the rest of the transaction and reads them (missing ids are left out),
 * in one statement each way. PostgreSQL: the rows are locked in id order, so two batches never
 * wait for each other in a cycle; rows locked after waiting are read again, as in lockAndReadRun.
 * SQLite: one no-op UPDATE takes the write lock, then the read.
 */
export async function lockAndReadRuns(db: Database, tx: Tx, ids: readonly string[]): Promise<LockedRun[]> {
  if (ids.length === 0) return [];
  if (db.provider === "postgresql") {
    const rows = await tx.$queryRaw<
      LockedRow[]
    >`${LOCKED_RUN_SQL} WHERE r."id" IN (${Prisma.join(ids)}) ORDER BY r."id" FOR UPDATE OF r`;
    const stale = rows.filter((r) => r.sId !== r.stateId || r.qId !== r.workQueueId).map((r) => r.id);
    const again = new Map((await readLockedRuns(tx, stale)).map((r) => [r.id, r]));
    return rows.map((r) => again.get(r.id) ?? toLockedRun(r));
  }
  await tx.$executeRaw`UPDATE "FlowRun" SET "id" = "id" WHERE "id" IN (${Prisma.join(ids)})`;
  return readLockedRuns(tx, ids);
}

function toLockedRun({
  sId,
  qId,
  sType,
  sName,
  sMessage,
  sScheduledTime,
  sData,
  sDetails,
  sTimestamp,
  ...run
}: LockedRow): LockedRun {
  return {
    ...run,
    runCount: Number(run.runCount),
    totalRunTime: Number(run.totalRunTime),
    state:
      sId === null || sType === null || sName === null || sTimestamp === null
        ? null
        : {
            type: sType,
            name: sName,
            message: sMessage,
            scheduledTime: sScheduledTime,
            data: sData,
            details: sDetails ?? {},
            timestamp: sTimestamp,
          },
  };
}

/**
 * Writes the states and points each run at its newest one. A run may have several writes, in
 * order (a claim that also starts its runs writes PENDING, then RUNNING): every state row is
 * inserted, and the run takes the columns of its last write. PostgreSQL: one statement for any
 * number of runs (a claim's whole batch): the state rows are inserted by a CTE of the run UPDATE,
 * and the foreign keys between the two are checked at the end of that statement. SQLite: an
 * insert, then one update per run — in process, no round trips to save.
 */
export async function writeRunStates(db: Database, tx: Tx, writes: readonly RunStateWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const last = [...new Map(writes.map((w) => [w.runId, w])).values()];
  if (db.provider === "postgresql") {
    const states = writes.map((w) => ({ ...w.state, runId: w.runId, data: w.state.data ?? null }));
    const runs = last.map((w) => ({ id: w.runId, stateId: w.state.id, ...w.columns, updated: w.at }));
    // JSON dates are ISO UTC; the cast to timestamp drops the "Z", as Prisma's UTC columns expect
    await tx.$executeRaw`
      WITH v AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(runs)}::jsonb) AS v(
          "id" text, "stateId" text, "stateType" text, "stateName" text, "stateTimestamp" timestamp(3),
          "startTime" timestamp(3), "endTime" timestamp(3), "expectedStartTime" timestamp(3),
          "nextScheduledStartTime" timestamp(3), "totalRunTime" double precision, "runCount" integer,
          "empiricalPolicy" jsonb, "updated" timestamp(3))
      ), states AS (
        INSERT INTO "FlowRunState" ("id", "flowRunId", "type", "name", "timestamp", "message", "scheduledTime", "data", "details")
        SELECT s."id", s."runId", s."type", s."name", s."timestamp", s."message", s."scheduledTime", NULLIF(s."data", 'null'::jsonb), s."details"
        FROM jsonb_to_recordset(${JSON.stringify(states)}::jsonb) AS s(
          "id" text, "runId" text, "type" text, "name" text, "timestamp" timestamp(3), "message" text,
          "scheduledTime" timestamp(3), "data" jsonb, "details" jsonb)
      )
      UPDATE "FlowRun" AS r SET
        "stateId" = v."stateId", "stateType" = v."stateType", "stateName" = v."stateName", "stateTimestamp" = v."stateTimestamp",
        "startTime" = v."startTime", "endTime" = v."endTime", "expectedStartTime" = v."expectedStartTime",
        "nextScheduledStartTime" = v."nextScheduledStartTime", "totalRunTime" = v."totalRunTime", "runCount" = v."runCount",
        "empiricalPolicy" = v."empiricalPolicy", "updated" = v."updated"
      FROM v
      WHERE r."id" = v."id"`;
    return;
  }
  await tx.flowRunState.createMany({
    data: writes.map((w) => ({
      id: w.state.id,
      flowRunId: w.runId,
      type: w.state.type,
      name: w.state.name,
      timestamp: w.state.timestamp,
      message: w.state.message,
      scheduledTime: w.state.scheduledTime,
      data:
        w.state.data === null || w.state.data === undefined ? Prisma.DbNull : (w.state.data as Prisma.InputJsonValue),
      details: w.state.details as Prisma.InputJsonValue,
    })),
  });
  for (const w of last) {
    await tx.flowRun.updateMany({
      where: { id: w.runId },
      data: {
        ...w.columns,
        empiricalPolicy: w.columns.empiricalPolicy as Prisma.InputJsonValue,
        stateId: w.state.id,
        updated: w.at,
      },
    });
  }
}

/** The run as a transition's write leaves it: what reading it again inside the transaction would give. */
export function afterWrite(run: LockedRun, w: RunStateWrite): LockedRun {
  const {
    stateType: _type,
    stateName: _name,
    stateTimestamp: _timestamp,
    nextScheduledStartTime: _next,
    ...columns
  } = w.columns;
  const { id: stateId, ...state } = w.state;
  return { ...run, ...columns, stateId, state: { ...state, details: state.details ?? {} } };
}
