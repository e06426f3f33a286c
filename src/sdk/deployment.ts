// toDeployment(): what serve() registers for a flow — name, schedules, default parameters — and
// the entrypoint the executor loads, found from where the flow was defined.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { DeploymentInput, DeploymentScheduleInput } from "../client/generated/graphql.js";
import type { Flow } from "./flow.js";
import { FLOW_MARK } from "../flow-contract.js";

export interface DeploymentOptions {
  /** the deployment's name: its slug is `<flow name>/<name>` */
  name: string;
  /** a schedule every this many seconds */
  interval?: number;
  /** a cron schedule (5 fields, or 6 with seconds) */
  cron?: string;
  /** an RFC 5545 recurrence rule */
  rrule?: string;
  /** IANA zone of interval / cron / rrule (default UTC) */
  timezone?: string;
  /** any number of schedules, as applyDeployment takes them (besides interval / cron / rrule) */
  schedules?: DeploymentScheduleInput[];
  /** defaults for every run, overridden per run */
  parameters?: Record<string, unknown>;
  description?: string;
  version?: string;
  tags?: string[];
  paused?: boolean;
  /** at most this many runs PENDING or RUNNING at once */
  concurrencyLimit?: number;
  /** validate runs' parameters against the flow's `parameters` schema (default true) */
  enforceParameterSchema?: boolean;
  /** `file.ts:exportName` relative to `path`; default: the file that called flow() and the export holding it */
  entrypoint?: string;
  /** the folder the entrypoint is relative to; default that file's folder */
  path?: string;
  // Read by `ordo deployment apply FILE.ts` (a DeploymentSpec written in code, seed 000); serve()
  // runs its deployments itself and ignores them.
  /** the work pool for its runs (created if missing) */
  workPoolName?: string;
  /** the work queue for its runs; without workPoolName it is in default-agent-pool, for `ordo agent start` */
  workQueueName?: string;
  /** its infrastructure block, for agents: `type/name`, a block id, or inline `{ type: "process", env: {…} }` */
  infrastructure?: string | ({ type: string } & Record<string, unknown>);
  /** Prefect's beta name for it: "subprocess" | "universal" | "docker" | "kubernetes", or `{ type, config }` */
  flowRunner?: string | ({ type: string; config?: Record<string, unknown> } & Record<string, unknown>);
  /** overrides of the infrastructure's (or the pool's) job variables, e.g. `{ "env.KEY": "value" }` */
  infraOverrides?: Record<string, unknown>;
}

export interface FlowDeployment {
  readonly flow: Flow;
  readonly options: Readonly<DeploymentOptions>;
}

export function toDeployment(flow: Flow<any, any>, options: DeploymentOptions): FlowDeployment {
  if (typeof flow !== "function" || !(FLOW_MARK in flow))
    throw new TypeError('toDeployment(): the first argument must be a flow() from "ordo"');
  if (typeof options?.name !== "string" || options.name.trim() === "")
    throw new TypeError(`toDeployment(${flow.options.name}): options.name must be a non-empty string`);
  return Object.freeze({ flow, options: Object.freeze({ ...options }) });
}

/** The applyDeployment input: code found where it is (no storage, no pull steps), no work pool. */
export function deploymentInput(d: FlowDeployment): DeploymentInput {
  const o = d.options;
  const { entrypoint, path: dir } = o.entrypoint
    ? { entrypoint: o.entrypoint, path: path.resolve(o.path ?? process.cwd()) }
    : locate(d.flow, o.path);
  const timezone = o.timezone ? { timezone: o.timezone } : {};
  const schedules: DeploymentScheduleInput[] = [
    ...(o.interval !== undefined ? [{ schedule: { interval: { interval: o.interval, ...timezone } } }] : []),
    ...(o.cron !== undefined ? [{ schedule: { cron: { cron: o.cron, ...timezone } } }] : []),
    ...(o.rrule !== undefined ? [{ schedule: { rrule: { rrule: o.rrule, ...timezone } } }] : []),
    ...(o.schedules ?? []),
  ];
  const f = d.flow.options;
  return {
    flowName: f.name,
    name: o.name,
    entrypoint,
    path: dir,
    description: o.description ?? f.description ?? null,
    version: o.version ?? f.version ?? null,
    parameters: o.parameters ?? {},
    parameterOpenapiSchema: f.parameters ?? null,
    enforceParameterSchema: o.enforceParameterSchema ?? true,
    tags: o.tags ?? [],
    schedules,
    paused: o.paused ?? false,
    concurrencyLimit: o.concurrencyLimit ?? null,
    // runs of a served deployment are this process's: nothing to pull, no pool for a worker to claim from
    storageBlock: null,
    pullSteps: null,
    workPoolName: null,
    workQueueName: null,
  };
}

/** `export const NAME = flow(` (or `export default flow(`) on the line flow() was called from. */
function locate(flow: Flow, dir: string | undefined): { entrypoint: string; path: string } {
  const source = flow[FLOW_MARK].source;
  const hint = `give toDeployment() an entrypoint ("file.ts:exportName")`;
  if (!source) throw new Error(`flow "${flow.options.name}": cannot tell which file defined it; ${hint}`);
  const lines = readFileSync(source.file, "utf8").split("\n");
  const line = lines[source.line - 1] ?? "";
  let name = /export\s+default\s+flow\s*\(/.test(line) ? "default" : null;
  const declared = /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*flow\s*\(/.exec(line)?.[1];
  if (!name && declared) {
    const exported =
      /\bexport\s+(?:const|let|var)\s/.test(line) ||
      new RegExp(`export\\s*\\{[^}]*\\b${declared.replace(/\$/g, "\\$")}\\b(?!\\s+as)`).test(lines.join("\n"));
    if (exported) name = declared;
  }
  if (!name)
    throw new Error(
      `flow "${flow.options.name}" (${source.file}:${source.line}) must be exported as \`export const name = flow(…)\` for the executor to load it, or ${hint}`,
    );
  const base = path.resolve(dir ?? path.dirname(source.file));
  return { entrypoint: `${path.relative(base, source.file).split(path.sep).join("/")}:${name}`, path: base };
}
