// The scheduler's bulk insert of brand-new SCHEDULED runs (the one write that bypasses the
// orchestrator, DESIGN invariant 1): multi-row INSERT … ON CONFLICT (flow, idempotency key)
// DO NOTHING, so a run that exists — from an earlier pass or a concurrent scheduler — is skipped,
// and each inserted run gets its first (SCHEDULED) state row in the same transaction.
//
// Built for throughput (a pass writes tens of thousands of rows): Prisma's raw queries cost about
// a microsecond per bound parameter, more than SQLite's own insert, so a statement binds only what
// callers supply as text — each run's name and idempotency key, and once per group of runs that
// share a deployment and schedule, the deployment's values (one SELECT per group, UNION ALL, each
// crossed with its rows' VALUES). Run and state ids, ISO timestamps and constants are written
// as escaped literals (literal() below). Statements stay under the database's parameter
// limit, SQLite's 500 compound-SELECT terms and a row cap; all of them run in the caller's
// transaction.
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

/** How much one statement may carry. */
export interface InsertLimits {
  /** bound parameters per statement: SQLite (better-sqlite3's build) 32,766; PostgreSQL's protocol 65,535 */
  maxParams: number;
  /** rows per statement, to keep the SQL text and the RETURNING list moderate */
  maxRows: number;
  /** groups (deployment × schedule) per statement: SQLite allows 500 terms in a compound SELECT */
  maxGroups: number;
}

export const SQLITE_MAX_PARAMS = 32_766;
export const POSTGRES_MAX_PARAMS = 65_535;
const MAX_ROWS_PER_STATEMENT = 2_000;
const MAX_GROUPS_PER_STATEMENT = 500;

export function insertLimits(db: Database): InsertLimits {
  const maxParams = db.provider === "postgresql" ? POSTGRES_MAX_PARAMS : SQLITE_MAX_PARAMS;
  return { maxParams, maxRows: MAX_ROWS_PER_STATEMENT, maxGroups: MAX_GROUPS_PER_STATEMENT };
}

/** the deployment-level values a group of rows shares, bound once per statement */
const GROUP_COLUMNS = [
  "flowId",
  "deploymentId",
  "deploymentVersion",
  "parameters",
  "tags",
  "tagsKey",
  "scheduleKey",
  "workQueueId",
  "workQueueName",
] as const;
/** per-row bound values: name, idempotency key */
const ROW_PARAMS = 2;

/** rows sharing a deployment and schedule (equal GROUP_COLUMNS values) */
interface Group {
  rows: ScheduledRunRow[];
}

interface Chunk {
  rows: ScheduledRunRow[];
  groups: Group[];
}

/**
 * Inserts the rows that do not exist yet with their first state; returns the ids inserted (in
 * row order). Rows may span several statements; call it inside one transaction.
 */
export async function insertScheduledRuns(
  db: Database,
  tx: Tx,
  rows: ScheduledRunRow[],
  now: Date,
  limits: InsertLimits = insertLimits(db),
): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = new Set<string>();
  const pg = db.provider === "postgresql";
  // SQLite: a run names its state before the state row exists; checked at commit instead
  // (the pragma switches itself off when the transaction ends)
  if (!pg) await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
  for (const chunk of chunks(rows, limits)) {
    for (const id of pg ? await insertPostgres(tx, chunk, now) : await insertSqlite(tx, chunk, now)) inserted.add(id);
  }
  return rows.filter((r) => inserted.has(r.id)).map((r) => r.id);
}

/** Splits rows into statements: each new group costs its columns (and a compound SELECT term), each row its own parameters. */
function* chunks(rows: ScheduledRunRow[], limits: InsertLimits): Generator<Chunk> {
  const objectIds = new WeakMap<object, number>();
  let nextObjectId = 0;
  const idOf = (v: unknown) => {
    if (typeof v !== "object" || v === null) return `v${JSON.stringify(v)}`;
    let id = objectIds.get(v);
    if (id === undefined) objectIds.set(v, (id = nextObjectId++));
    return `o${id}`;
  };
  let chunk: Chunk = { rows: [], groups: [] };
  let byKey = new Map<string, Group>();
  let params = 0;
  for (const r of rows) {
    // rows built for one schedule share their parameters and tags objects, so the key stays cheap
    const key = [
      idOf(r.parameters),
      idOf(r.tags),
      r.flowId,
      r.deploymentId,
      r.deploymentVersion,
      r.tagsKey,
      r.scheduleKey,
      r.workQueueId,
      r.workQueueName,
    ]
      .map((p) => (p === null ? "\u0001" : p))
      .join("\u0000");
    let group = byKey.get(key);
    const cost = ROW_PARAMS + (group ? 0 : GROUP_COLUMNS.length);
    const full =
      params + cost > limits.maxParams ||
      chunk.rows.length >= limits.maxRows ||
      (!group && chunk.groups.length >= limits.maxGroups);
    if (chunk.rows.length > 0 && full) {
      yield chunk;
      chunk = { rows: [], groups: [] };
      byKey = new Map();
      params = 0;
      group = undefined;
    }
    if (!group) {
      group = { rows: [] };
      chunk.groups.push(group);
      byKey.set(key, group);
      params += GROUP_COLUMNS.length;
    }
    group.rows.push(r);
    chunk.rows.push(r);
    params += ROW_PARAMS;
  }
  if (chunk.rows.length > 0) yield chunk;
}

function groupValues(r: ScheduledRunRow): unknown[] {
  return [
    r.flowId,
    r.deploymentId,
    r.deploymentVersion,
    JSON.stringify(r.parameters ?? null),
    JSON.stringify(r.tags),
    r.tagsKey,
    r.scheduleKey,
    r.workQueueId,
    r.workQueueName,
  ];
}

/** A string as an SQL literal. PostgreSQL: E'…' whenever a backslash occurs, so the meaning does not depend on standard_conforming_strings. */
function literal(value: string, pg: boolean): string {
  if (value.includes("\u0000")) throw new Error("a NUL character cannot be written to the database");
  const quoted = value.replaceAll("'", "''");
  return pg && quoted.includes("\\") ? `E'${quoted.replaceAll("\\", "\\\\")}'` : `'${quoted}'`;
}

/** The FlowRun columns a scheduled run writes (the bench's raw baseline writes the same). */
export const SCHEDULED_RUN_COLUMNS = [
  "id",
  "name",
  "flowId",
  "deploymentId",
  "deploymentVersion",
  "parameters",
  "jobVariables",
  "tags",
  "tagsKey",
  "idempotencyKey",
  "autoScheduled",
  "scheduleKey",
  "empiricalPolicy",
  "stateId",
  "stateType",
  "stateName",
  "stateTimestamp",
  "expectedStartTime",
  "nextScheduledStartTime",
  "totalRunTime",
  "runCount",
  "workQueueId",
  "workQueueName",
  "created",
  "updated",
];
const RUN_COLUMNS = SCHEDULED_RUN_COLUMNS.map((c) => `"${c}"`).join(", ");

/** The SELECT list feeding RUN_COLUMNS from one group's columns and its rows' v(id, name, key, start, stateId). */
function runSelect(pg: boolean, now: string): string {
  const json = (e: string) => (pg ? `${e}::jsonb` : e);
  const time = (e: string) => (pg ? `${e}::timestamp(3)` : e);
  return [
    `"column1"`,
    `"column2"`,
    `"flowId"`,
    `"deploymentId"`,
    `"deploymentVersion"`,
    json(`"parameters"`),
    json(`'{}'`),
    json(`"tags"`),
    `"tagsKey"`,
    `"column3"`,
    pg ? "true" : "1",
    `"scheduleKey"`,
    json(`'{}'`),
    `"column5"`,
    `'SCHEDULED'`,
    `'Scheduled'`,
    time(now),
    time(`"column4"`),
    time(`"column4"`),
    "0",
    "0",
    `"workQueueId"`,
    `"workQueueName"`,
    time(now),
    time(now),
  ].join(", ");
}

/**
 * INSERT INTO "FlowRun" … SELECT … FROM (one SELECT per group, UNION ALL) — each group binds its
 * deployment's values once and lists its rows in a VALUES table, so no join is needed.
 */
function statementParts(chunk: Chunk, now: Date, pg: boolean) {
  // SQLite stores Prisma DateTimes as "…+00:00" text; raw writes must match for comparisons to hold
  const time = (d: Date) => (pg ? d.toISOString() : d.toISOString().replace("Z", "+00:00"));
  const params: unknown[] = [];
  const bind = (v: unknown) => (params.push(v), pg ? `$${params.length}` : "?");
  const groupColumns = GROUP_COLUMNS.map((c) => `"${c}"`);
  const selects = chunk.groups.map((g) => {
    // bound in the order the placeholders appear (SQLite's are positional)
    const shared = groupValues(g.rows[0]!).map((v, i) => `${bind(v)} AS ${groupColumns[i]}`);
    const values = g.rows.map(
      (r) =>
        `(${literal(r.id, pg)}, ${bind(r.name)}, ${bind(r.idempotencyKey)}, ${literal(time(r.start), pg)}, ${literal(r.stateId, pg)})`,
    );
    return `SELECT * FROM (SELECT ${shared.join(", ")}) AS "g", (VALUES ${values.join(", ")}) AS "v"`;
  });
  return {
    params,
    insert:
      `INSERT INTO "FlowRun" (${RUN_COLUMNS}) SELECT ${runSelect(pg, literal(time(now), pg))} FROM (${selects.join(" UNION ALL ")}) AS "r" ` +
      // WHERE true: SQLite needs it to read ON CONFLICT as the upsert clause after INSERT … SELECT
      `WHERE true ON CONFLICT ("flowId", "idempotencyKey") DO NOTHING`,
    time,
  };
}

/** SQLite: the runs (RETURNING the ones inserted), then their states. */
async function insertSqlite(tx: Tx, chunk: Chunk, now: Date): Promise<string[]> {
  const s = statementParts(chunk, now, false);
  const returned = await tx.$queryRawUnsafe<Array<{ id: string }>>(`${s.insert} RETURNING "id"`, ...s.params);
  if (returned.length === 0) return [];
  const ids = new Set(returned.map((r) => r.id));
  const at = literal(s.time(now), false);
  const states = chunk.rows
    .filter((r) => ids.has(r.id))
    .map((r) => `(${literal(r.stateId, false)}, ${literal(r.id, false)}, ${literal(s.time(r.start), false)})`);
  await tx.$executeRawUnsafe(
    `INSERT INTO "FlowRunState" ("id", "flowRunId", "type", "name", "timestamp", "message", "scheduledTime", "data", "details") ` +
      `SELECT "column1", "column2", 'SCHEDULED', 'Scheduled', ${at}, 'Flow run scheduled', "column3", NULL, '{}' FROM (VALUES ${states.join(", ")})`,
  );
  return [...ids];
}

/** PostgreSQL: one statement — the states are inserted from the runs' RETURNING, and the foreign keys between them are checked at its end. */
async function insertPostgres(tx: Tx, chunk: Chunk, now: Date): Promise<string[]> {
  const s = statementParts(chunk, now, true);
  const sql =
    `WITH "run" AS (${s.insert} RETURNING "id", "stateId", "stateTimestamp", "nextScheduledStartTime"), ` +
    `"state" AS (INSERT INTO "FlowRunState" ("id", "flowRunId", "type", "name", "timestamp", "message", "scheduledTime", "data", "details") ` +
    `SELECT "stateId", "id", 'SCHEDULED', 'Scheduled', "stateTimestamp", 'Flow run scheduled', "nextScheduledStartTime", NULL, '{}'::jsonb FROM "run") ` +
    `SELECT "id" FROM "run"`;
  return (await tx.$queryRawUnsafe<Array<{ id: string }>>(sql, ...s.params)).map((r) => r.id);
}
