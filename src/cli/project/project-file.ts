// ordo.yaml, the project file (prefect.yaml's shape): its JSON Schema, its types, and reading it with mistakes reported as file:line:column.
import path from "node:path";
import { CliError } from "../common/errors.js";
import { documentProblems, parseYaml, readYamlFile, type YamlDocument } from "../common/yaml-file.js";

export const DEFAULT_PROJECT_FILE = "ordo.yaml";

export type RawStep = Record<string, Record<string, unknown> | null>;

export interface ScheduleEntry {
  cron?: string;
  day_or?: boolean;
  interval?: number;
  anchor_date?: string;
  rrule?: string;
  timezone?: string;
  active?: boolean;
  parameters?: Record<string, unknown>;
  slug?: string;
}

export interface DeploymentEntry {
  name: string;
  entrypoint: string;
  flow_name?: string | null;
  version?: string | null;
  description?: string | null;
  tags?: string[] | string | null;
  parameters?: Record<string, unknown> | string | null;
  enforce_parameter_schema?: boolean;
  paused?: boolean;
  concurrency_limit?: number | { limit: number | null; collision_strategy?: "ENQUEUE" | "CANCEL_NEW" } | null;
  schedules?: ScheduleEntry[] | null;
  /** one schedule, as Prefect 2.1x projects write it: the same shapes as an entry of `schedules` */
  schedule?: ScheduleEntry | null;
  work_pool?: {
    name?: string | null;
    work_queue_name?: string | null;
    job_variables?: Record<string, unknown> | null;
  } | null;
  build?: RawStep[] | null;
  push?: RawStep[] | null;
  pull?: RawStep[] | null;
}

export interface ProjectFile {
  name?: string;
  build?: RawStep[] | null;
  push?: RawStep[] | null;
  pull?: RawStep[] | null;
  deployments: DeploymentEntry[];
}

// the detail of a step (one key, a known name, its arguments) is checked by the step parser, which
// names the step; the schema only says it is an object
const steps = { type: ["array", "null"], items: { type: "object" } };
const nullableString = { type: ["string", "null"] };
// a string too where a value may come from a placeholder (`tags: "{{ build.tags }}"`): its type is
// checked once rendered (deployment-input.ts); no anyOf, whose errors would bury the real one
const templated = (type: string) => ({ type: [type, "string", "null"] });

const schedule = {
  type: "object",
  additionalProperties: false,
  properties: {
    cron: { type: "string" },
    day_or: { type: "boolean" },
    interval: { type: "number", exclusiveMinimum: 0 },
    anchor_date: { type: "string" },
    rrule: { type: "string" },
    timezone: { type: "string" },
    active: { type: "boolean" },
    parameters: { type: "object" },
    slug: { type: "string", minLength: 1 },
  },
};

const deployment = {
  type: "object",
  additionalProperties: false,
  required: ["name", "entrypoint"],
  properties: {
    name: { type: "string", minLength: 1 },
    entrypoint: { type: "string", minLength: 1 },
    flow_name: nullableString,
    // a number is refused rather than turned into text: YAML reads 2.10 as 2.1
    version: nullableString,
    description: nullableString,
    tags: { ...templated("array"), items: { type: "string" } },
    parameters: templated("object"),
    enforce_parameter_schema: { type: "boolean" },
    paused: { type: "boolean" },
    // a number, or an object; each keyword applies only to values of its type
    concurrency_limit: {
      type: ["integer", "object", "null"],
      minimum: 0,
      additionalProperties: false,
      required: ["limit"],
      properties: {
        limit: { type: ["integer", "null"], minimum: 0 },
        collision_strategy: { enum: ["ENQUEUE", "CANCEL_NEW"] },
      },
    },
    schedules: { type: ["array", "null"], items: schedule },
    schedule: { ...schedule, type: ["object", "null"] },
    work_pool: {
      type: ["object", "null"],
      additionalProperties: false,
      properties: { name: nullableString, work_queue_name: nullableString, job_variables: templated("object") },
    },
    build: steps,
    push: steps,
    pull: steps,
  },
};

/** JSON Schema (draft 2020-12) of ordo.yaml. */
export const projectFileSchema = {
  type: "object",
  additionalProperties: false,
  required: ["deployments"],
  properties: {
    name: { type: "string" },
    // informational, as in Prefect
    "ordo-version": { type: ["string", "number"] },
    "prefect-version": { type: ["string", "number"] },
    // a home for YAML anchors (&pool) that deployments alias (*pool), as in prefect.yaml
    definitions: {},
    build: steps,
    push: steps,
    pull: steps,
    deployments: { type: "array", minItems: 1, items: deployment },
  },
};

export interface Project {
  file: string;
  /** the folder holding the file: where steps run and entrypoints are found */
  dir: string;
  doc: YamlDocument;
  value: ProjectFile;
}

export async function readProjectFile(file: string): Promise<Project> {
  return toProject(file, await readYamlFile(file));
}

/** The same from text (tests, stdin). */
export function parseProjectFile(file: string, text: string): Project {
  return toProject(file, parseYaml(file, text));
}

function toProject(file: string, docs: YamlDocument[]): Project {
  if (docs.length !== 1)
    throw new CliError(
      `${file}: ${docs.length === 0 ? "is empty" : "holds several YAML documents; a project file is one"}`,
    );
  const doc = docs[0]!;
  const problems = documentProblems(doc, projectFileSchema);
  if (problems.length) throw new CliError(problems.join("; "));
  const value = doc.value as ProjectFile;
  checkSchedules(doc, value);
  const seen = new Set<string>();
  value.deployments.forEach((d, i) => {
    if (seen.has(d.name))
      throw new CliError(`${doc.locate(["deployments", i, "name"])}: a second deployment named "${d.name}"`);
    seen.add(d.name);
  });
  return { file, dir: path.dirname(path.resolve(file)), doc, value };
}

function checkSchedules(doc: YamlDocument, value: ProjectFile): void {
  value.deployments.forEach((d, i) => {
    if (d.schedule !== undefined && d.schedules !== undefined) {
      throw new CliError(
        `${doc.locate(["deployments", i, "schedule"])}: deployments[${i}] has both schedule and schedules; give one (schedule is a single schedule, schedules a list)`,
      );
    }
    const entries: Array<[ScheduleEntry, Array<string | number>]> = d.schedule
      ? [[d.schedule, ["deployments", i, "schedule"]]]
      : (d.schedules ?? []).map((s, j) => [s, ["deployments", i, "schedules", j]]);
    entries.forEach(([s, at]) => {
      const kinds = (["cron", "interval", "rrule"] as const).filter((k) => s[k] !== undefined);
      if (kinds.length !== 1)
        throw new CliError(
          `${doc.locate(at)}: a schedule has exactly one of cron, interval or rrule${kinds.length ? ` (this one has ${kinds.join(" and ")})` : ""}`,
        );
      if (s.day_or !== undefined && !s.cron)
        throw new CliError(`${doc.locate([...at, "day_or"])}: day_or goes with cron`);
      if (s.anchor_date !== undefined && s.interval === undefined)
        throw new CliError(`${doc.locate([...at, "anchor_date"])}: anchor_date goes with interval`);
    });
  });
}

/** The deployment's schedules whichever key wrote them; undefined when neither is given (keep the stored ones). */
export function entrySchedules(entry: DeploymentEntry): ScheduleEntry[] | null | undefined {
  if (entry.schedule !== undefined) return entry.schedule === null ? [] : [entry.schedule];
  return entry.schedules;
}
