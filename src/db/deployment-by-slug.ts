// The hottest read, `deployment(slug)` with its schedules, in one SQL statement instead of two
// Prisma queries: each Prisma query costs ~0.5–0.8 ms of CPU in its wasm query compiler and client
// runtime (Prisma 6.19 keeps no plan cache), against ~0.1 ms for one raw statement. It returns
// exactly what `deployment.findFirst({ where: { name, flow: { name } }, include: { schedules:
// { orderBy: { position: "asc" } } } })` returns (test/integration/deployment-by-slug.test.ts
// compares the two on both databases, every column, so a column added to the model fails there).
// The SQL is portable (quoted identifiers); only the placeholders differ.
import type { Deployment, DeploymentSchedule } from "../generated/prisma/client.js";
import type { Database } from "./prisma-client.js";

export type DeploymentWithSchedules = Deployment & { schedules: DeploymentSchedule[] };

const DEPLOYMENT_COLUMNS = [
  "id",
  "flowId",
  "name",
  "version",
  "description",
  "paused",
  "parameters",
  "parameterOpenapiSchema",
  "enforceParameterSchema",
  "tags",
  "tagsKey",
  "path",
  "entrypoint",
  "pullSteps",
  "jobVariables",
  "workQueueId",
  "workQueueName",
  "storageDocumentId",
  "storagePath",
  "infrastructureDocumentId",
  "concurrencyLimit",
  "collisionStrategy",
  "scheduleChangedAt",
  "created",
  "updated",
] as const satisfies ReadonlyArray<keyof Deployment>;
const SCHEDULE_COLUMNS = [
  "id",
  "deploymentId",
  "slug",
  "scheduleKey",
  "active",
  "schedule",
  "parameters",
  "position",
  "created",
  "updated",
] as const satisfies ReadonlyArray<keyof DeploymentSchedule>;

/** Compile-time check that the lists name every column: a model change fails the build here. */
type Missing<T, L extends readonly string[]> = Exclude<keyof T, L[number]>;
const complete: [
  Missing<Deployment, typeof DEPLOYMENT_COLUMNS>,
  Missing<DeploymentSchedule, typeof SCHEDULE_COLUMNS>,
] extends [never, never]
  ? true
  : never = true;
void complete;

const DATES = new Set<string>(["scheduleChangedAt", "created", "updated"]);
const BOOLEANS = new Set<string>(["paused", "enforceParameterSchema", "active"]);
const JSONS = new Set<string>([
  "parameters",
  "parameterOpenapiSchema",
  "tags",
  "pullSteps",
  "jobVariables",
  "schedule",
]);
const INTS = new Set<string>(["concurrencyLimit", "position"]);

function statement(placeholder: (n: number) => string): string {
  const d = DEPLOYMENT_COLUMNS.map((c) => `d."${c}"`);
  const s = SCHEDULE_COLUMNS.map((c) => `s."${c}" AS "s_${c}"`);
  return (
    `SELECT ${[...d, ...s].join(", ")} FROM "Deployment" d ` +
    `JOIN "Flow" f ON f."id" = d."flowId" ` +
    `LEFT JOIN "DeploymentSchedule" s ON s."deploymentId" = d."id" ` +
    `WHERE d."name" = ${placeholder(1)} AND f."name" = ${placeholder(2)} ` +
    `ORDER BY s."position" ASC, s."id" ASC`
  );
}

const SQL = { sqlite: statement(() => "?"), postgresql: statement((n) => `$${n}`) };

/** A raw value as Prisma's model would type it (raw results differ by database: text JSON, 0/1, bigint). */
function value(column: string, raw: unknown, provider: Database["provider"]): unknown {
  if (raw === null || raw === undefined) return null;
  if (DATES.has(column)) return raw instanceof Date ? raw : new Date(raw as string);
  if (BOOLEANS.has(column)) return typeof raw === "boolean" ? raw : Number(raw) !== 0;
  if (JSONS.has(column)) return provider === "sqlite" && typeof raw === "string" ? JSON.parse(raw) : raw;
  if (INTS.has(column)) return Number(raw);
  return raw;
}

export async function findDeploymentWithSchedules(
  database: Database,
  flowName: string,
  name: string,
): Promise<DeploymentWithSchedules | null> {
  const rows = await database.client.$queryRawUnsafe<Array<Record<string, unknown>>>(
    SQL[database.provider],
    name,
    flowName,
  );
  const first = rows[0];
  if (!first) return null;
  const deployment: Record<string, unknown> = {};
  for (const c of DEPLOYMENT_COLUMNS) deployment[c] = value(c, first[c], database.provider);
  const schedules: Record<string, unknown>[] = [];
  for (const row of rows) {
    if (row.s_id === null || row.s_id === undefined) continue; // the LEFT JOIN's row of a deployment without schedules
    const schedule: Record<string, unknown> = {};
    for (const c of SCHEDULE_COLUMNS) schedule[c] = value(c, row[`s_${c}`], database.provider);
    schedules.push(schedule);
  }
  deployment.schedules = schedules;
  return deployment as DeploymentWithSchedules;
}
