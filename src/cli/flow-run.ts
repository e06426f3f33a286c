// `ordo flow-run`: list, inspect and cancel runs, read or follow their logs, and `execute` — what
// a run's infrastructure runs (exits 0 when the run COMPLETED, 1 when not, 128 + n on signal n).
import type { Command } from "commander";
import {
  CliCancelFlowRunDocument,
  CliDeploymentBySlugDocument,
  CliFlowByNameDocument,
  CliFlowRunDocument,
  CliFlowRunsDocument,
  type CliFlowRunRowFragment,
  type FlowRunFilter,
  type StateType,
} from "../client/generated/graphql.js";
import type { OrdoClient } from "../client/ordo-client.js";
import { apiUrl, DEFAULT_API_URL, withClient } from "./common/api.js";
import { CliError } from "./common/errors.js";
import { collect, positive } from "./common/options.js";
import { printJson, printObject, printRows, withJsonOption, type OutputOptions } from "./common/output.js";
import { abortOnSignals } from "./common/signals.js";
import { FINAL_STATES, formatTime, STATE_TYPES } from "./display.js";
import { followLogs, printLogs, type LogOptions } from "./flow-run-logs.js";

export function registerFlowRunCommands(program: Command): void {
  const flowRun = program
    .command("flow-run")
    .description("flow runs: list, inspect, cancel, read their logs, execute one");

  withJsonOption(
    flowRun
      .command("ls")
      .description("list flow runs, newest expected start first")
      .option("--flow <name>", "only runs of this flow")
      .option("--deployment <flow/name>", "only runs of this deployment")
      .option("--state <type>", `only runs in this state type (repeatable): ${STATE_TYPES.join(", ")}`, collect)
      .option("--limit <n>", "at most this many runs (at most 200)", positive("--limit", true), 15),
  ).action((opts: LsOptions) => withClient((client) => listRuns(client, opts)));

  withJsonOption(
    flowRun
      .command("inspect")
      .description("show one flow run: its state history, parameters and timing")
      .argument("<id>", "flow run id"),
  ).action((id: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const run = await getRun(client, id);
      if (opts.json) return printJson(run);
      const { states, state, stateType: _type, stateName: _name, ...rest } = run;
      const fields: Record<string, unknown> = {
        ...rest,
        flow: run.flow.name,
        deployment: run.deployment?.slug ?? null,
        workPool: run.workPool?.name ?? null,
        state: describeState(state),
      };
      // words, as the other inspects print them: expectedStartTime → "expected start time"
      printObject(
        Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [k.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase(), v]),
        ),
        {},
      );
      printRows(
        states,
        [
          ["state", (s) => s.name],
          ["type", (s) => s.type],
          ["at", (s) => formatTime(s.timestamp)],
          ["message", (s) => s.message],
        ],
        {},
      );
    }),
  );

  withJsonOption(
    flowRun
      .command("cancel")
      .description(
        "cancel a flow run: its worker stops it and reports CANCELLED (a run that has not started is cancelled at once)",
      )
      .argument("<id>", "flow run id"),
  ).action((id: string, opts: OutputOptions) => withClient((client) => cancelRun(client, id, opts)));

  flowRun
    .command("logs")
    .description(
      "print a flow run's logs, oldest first; with --follow, keep printing new lines until the run is finished",
    )
    .argument("<id>", "flow run id")
    .option("-f, --follow", "keep printing new lines as they arrive, and exit when the run reaches a final state")
    .option("--json", "print one JSON object per line (JSON Lines) instead of text (for scripts)")
    .action((id: string, opts: LogOptions) =>
      withClient(async (client) => {
        const run = await getRun(client, id);
        if (opts.follow) await followLogs(client, run.id, opts);
        else await printLogs(client, run.id, opts);
      }),
    );

  flowRun
    .command("execute")
    .description(
      `execute a flow run here: pull its deployment's code, run its entrypoint with the run's parameters (one object argument), report its states and logs (server: ORDO_API_URL, default ${DEFAULT_API_URL})`,
    )
    .argument("[id]", "flow run id (default: ORDO_FLOW_RUN_ID)")
    .option(
      "--heartbeat-seconds <s>",
      "seconds between renewals of the run's lease",
      positive("--heartbeat-seconds"),
      10,
    )
    .action(async (id: string | undefined, opts: { heartbeatSeconds: number }) => {
      const flowRunId = id ?? process.env.ORDO_FLOW_RUN_ID;
      if (!flowRunId) throw new Error("flow-run execute: give the flow run id (or set ORDO_FLOW_RUN_ID)");
      // loaded here: the executor (blocks, plugins, the flow loader) is the one heavy command
      const { executeFlowRun } = await import("../worker/executor/execute.js");
      const code = await executeFlowRun({
        flowRunId,
        apiUrl: apiUrl(),
        heartbeatSeconds: opts.heartbeatSeconds,
        signal: abortOnSignals(),
      });
      // whatever the flow left open (timers, sockets) must not keep a finished run's process alive
      process.exit(code);
    });
}

interface LsOptions extends OutputOptions {
  flow?: string;
  deployment?: string;
  state?: string[];
  limit: number;
}

async function listRuns(client: OrdoClient, opts: LsOptions): Promise<void> {
  if (opts.limit > 200) throw new CliError(`--limit must be at most 200, not ${opts.limit}`);
  const filter: FlowRunFilter = {};
  if (opts.state) filter.stateTypes = opts.state.map(stateType);
  // the API filters by ids: names and slugs are resolved first, so a typo is reported instead of listing nothing
  if (opts.flow) {
    const { flow } = await client.request(CliFlowByNameDocument, { name: opts.flow });
    if (!flow) throw new CliError(`no flow named "${opts.flow}"`);
    filter.flowId = flow.id;
  }
  if (opts.deployment) {
    if (!/^[^/]+\/[^/]+$/.test(opts.deployment))
      throw new CliError(`--deployment takes flow/name, not "${opts.deployment}"`);
    const { deployment } = await client.request(CliDeploymentBySlugDocument, { slug: opts.deployment });
    if (!deployment) throw new CliError(`no deployment "${opts.deployment}" (see ordo deployment ls)`);
    filter.deploymentId = deployment.id;
  }
  const { flowRuns } = await client.request(CliFlowRunsDocument, { filter, first: opts.limit });
  printRows(
    flowRuns.edges.map((e) => e.node),
    RUN_COLUMNS,
    opts,
    "no flow runs",
  );
}

const RUN_COLUMNS: Array<[string, (r: CliFlowRunRowFragment) => unknown]> = [
  ["id", (r) => r.id],
  ["name", (r) => r.name],
  ["flow / deployment", (r) => r.deployment?.slug ?? r.flow.name],
  ["state", (r) => r.stateName],
  ["when", (r) => formatTime(r.startTime ?? r.expectedStartTime)],
];

function stateType(raw: string): StateType {
  const type = raw.toUpperCase() as StateType;
  if (!STATE_TYPES.includes(type)) throw new CliError(`--state must be one of ${STATE_TYPES.join(", ")}, not "${raw}"`);
  return type;
}

export async function getRun(client: OrdoClient, id: string) {
  const { flowRun } = await client.request(CliFlowRunDocument, { id });
  if (!flowRun) throw new CliError(`no flow run with id "${id}" (see ordo flow-run ls)`);
  return flowRun;
}

async function cancelRun(client: OrdoClient, id: string, opts: OutputOptions): Promise<void> {
  const run = await getRun(client, id);
  const label = `flow run "${run.name}" (${run.id})`;
  if (FINAL_STATES.includes(run.stateType))
    throw new CliError(`${label} is already ${run.stateName}; there is nothing to cancel`);
  const { setFlowRunState: r } = await client.request(CliCancelFlowRunDocument, { id: run.id });
  if (opts.json) return printJson({ id: run.id, name: run.name, ...r });
  if (r.status === "ACCEPT")
    process.stdout.write(`${label} is being cancelled: its worker stops it and reports Cancelled\n`);
  else if (r.state?.type === "CANCELLED")
    process.stdout.write(`${label} is cancelled (${r.reason ?? "nothing was running"})\n`);
  else if (r.state?.type === "CANCELLING") process.stdout.write(`${label} is already being cancelled\n`);
  // ABORT (it finished in the meantime) or a rule that kept another state
  else throw new CliError(`${label} could not be cancelled: ${r.reason ?? r.status}`);
}

function describeState(s: { name: string; type: string; message: string | null; timestamp: string }): string {
  return `${s.name}${s.name.toUpperCase() === s.type ? "" : ` (${s.type})`} since ${formatTime(s.timestamp)}${s.message ? ` — ${s.message}` : ""}`;
}
