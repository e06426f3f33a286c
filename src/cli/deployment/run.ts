// `ordo deployment run FLOW/NAME`: creates a flow run (parameters, a later start), and with
// --watch follows it to its end, exiting 0 when it COMPLETED and 1 otherwise.
import type { Command } from "commander";
import { DateTime } from "luxon";
import { CliDeploymentCreateRunDocument } from "../../client/generated/graphql.js";
import { withClient } from "../common/api.js";
import { CliError } from "../common/errors.js";
import { collect, parseDuration } from "../common/options.js";
import { printJson, progress, withJsonOption, type OutputOptions } from "../common/output.js";
import { DEPLOYMENT_ARGUMENT, findDeployment } from "./lookup.js";
import { parametersFromFlags, withParameterOptions } from "./parameters.js";
import { watchRun } from "./watch.js";

interface RunOptions extends OutputOptions {
  param?: string[];
  params?: string;
  tag?: string[];
  startIn?: string;
  startAt?: string;
  watch?: boolean;
  watchTimeout?: string;
}

export function registerRun(deployment: Command): void {
  withJsonOption(
    withParameterOptions(
      deployment
        .command("run")
        .description(
          "create a flow run of a deployment (a worker of its work pool runs it); --watch follows it and exits 0 only when it COMPLETED",
        )
        .argument("<deployment>", DEPLOYMENT_ARGUMENT),
    )
      .option("-t, --tag <tag>", "a tag for this run, besides the deployment's (repeatable)", collect)
      .option("--start-in <duration>", "start later: 30s, 10m, 2h, 1d")
      .option("--start-at <date-time>", "start at an ISO date-time (without an offset: this machine's local time)")
      .option("--watch", "follow the run's states until it ends; exit 0 when it COMPLETED, 1 otherwise")
      .option("--watch-timeout <duration>", "with --watch: stop watching (exit 1) after this long, e.g. 10m"),
  ).action(async (ref: string, opts: RunOptions) => {
    const scheduledStartTime = startTime(opts);
    const timeoutMs =
      opts.watchTimeout !== undefined ? parseDuration("--watch-timeout", opts.watchTimeout) * 1000 : null;
    if (timeoutMs !== null && !opts.watch) throw new CliError("--watch-timeout goes with --watch");
    await withClient(async (client) => {
      const deployment = await findDeployment(client, ref);
      const parameters = parametersFromFlags(opts.params, opts.param, deployment.parameterOpenapiSchema);
      const run = (
        await client.request(CliDeploymentCreateRunDocument, {
          input: {
            deploymentId: deployment.id,
            ...(parameters ? { parameters } : {}),
            ...(opts.tag ? { tags: opts.tag } : {}),
            ...(scheduledStartTime ? { scheduledStartTime } : {}),
          },
        })
      ).createFlowRun;
      const say = opts.json ? progress : (line: string) => process.stdout.write(`${line}\n`);
      if (!opts.json || opts.watch) {
        say(
          `Created flow run '${run.name}' (${run.id}) of ${deployment.slug}, ${run.expectedStartTime && Date.parse(run.expectedStartTime) > Date.now() + 1000 ? `scheduled for ${run.expectedStartTime}` : "to start now"}`,
        );
        // without a pool, a serve() process or a tag-filtered work queue may still take it: say who can, not that nobody will
        if (!deployment.workPool)
          progress(
            `note: ${deployment.slug} has no work pool: the run waits for a \`serve()\` process serving it or a tag-filtered work queue matching its tags (\`ordo deployment execute\` runs one here instead)`,
          );
      }
      if (!opts.watch) {
        if (opts.json) printJson(run);
        else progress(`Its logs: ordo flow-run logs ${run.id}`);
        return;
      }
      progress(`Watching ${run.name} (Ctrl-C stops watching; the run goes on)…`);
      const end = await watchRun(client, run.id, { print: say, timeoutMs });
      if (opts.json) printJson({ ...run, stateType: end.state.type, stateName: end.state.name, state: end.state });
      if (end.state.type !== "COMPLETED")
        throw new CliError(
          `flow run ${end.name} ended ${end.state.type}${end.state.message ? `: ${end.state.message}` : ""}`,
        );
      if (!opts.json) say(`Flow run ${end.name} COMPLETED`);
    });
  });
}

function startTime(opts: RunOptions): string | null {
  if (opts.startIn !== undefined && opts.startAt !== undefined)
    throw new CliError("give --start-in or --start-at, not both");
  if (opts.startIn !== undefined)
    return new Date(Date.now() + parseDuration("--start-in", opts.startIn) * 1000).toISOString();
  if (opts.startAt === undefined) return null;
  const at = DateTime.fromISO(opts.startAt.trim().replace(" ", "T"));
  if (!at.isValid)
    throw new CliError(
      `--start-at takes an ISO date-time like 2030-01-01T09:00 or 2030-01-01T09:00:00Z, not "${opts.startAt}"`,
    );
  return at.toUTC().toISO()!;
}
