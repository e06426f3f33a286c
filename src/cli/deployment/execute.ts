// `ordo deployment execute FLOW/NAME`: creates a run and executes it here, in this process, without
// a worker or the pool's infrastructure (for testing a deployment). Exits 0 when it COMPLETED.
import type { Command } from "commander";
import { CliDeploymentClaimRunDocument, CliDeploymentCreateRunDocument } from "../../client/generated/graphql.js";
import { executeFlowRun } from "../../worker/executor/execute.js";
import { apiUrl, withClient } from "../common/api.js";
import { CliError } from "../common/errors.js";
import { collect } from "../common/options.js";
import { progress } from "../common/output.js";
import { DEPLOYMENT_ARGUMENT, findDeployment } from "./lookup.js";
import { parametersFromFlags } from "./parameters.js";

const CLAIM_WINDOW_MS = 60_000;

export function registerExecute(deployment: Command): void {
  deployment
    .command("execute")
    .description("create a flow run of a deployment and execute it here, without a worker (for testing); exits 0 when it COMPLETED, 1 otherwise")
    .argument("<deployment>", DEPLOYMENT_ARGUMENT)
    .option("--param <key=value>", "a parameter, the value read as JSON when it parses (repeatable; wins over --params)", collect)
    .option("--params <json>", "parameters as a JSON object, merged over the deployment's")
    .action(async (ref: string, opts: { param?: string[]; params?: string }) => {
      const parameters = parametersFromFlags(opts.params, opts.param);
      const run = await withClient(async (client) => {
        const deployment = await findDeployment(client, ref);
        // Workers claim only due runs and a worker woken by the new run's event would win any race
        // to PENDING, so the run is created a minute ahead and moved to PENDING here at once. The
        // move is forced: unforced, the scheduled time would be copied onto PENDING and hold RUNNING back.
        const ahead = new Date(Date.now() + CLAIM_WINDOW_MS).toISOString();
        const input = { deploymentId: deployment.id, scheduledStartTime: ahead, ...(parameters ? { parameters } : {}) };
        const created = (await client.request(CliDeploymentCreateRunDocument, { input })).createFlowRun;
        const claim = (await client.request(CliDeploymentClaimRunDocument, { flowRunId: created.id })).setFlowRunState;
        if (claim.status !== "ACCEPT") throw new CliError(`flow run ${created.name} could not be taken for local execution: ${claim.reason ?? claim.status}`);
        return created;
      });
      progress(`Executing flow run '${run.name}' (${run.id}) of ${ref} here…`);
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
        stop.abort(signal);
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      const code = await executeFlowRun({ flowRunId: run.id, apiUrl: apiUrl(), signal: stop.signal });
      progress(code === 0 ? `Flow run ${run.name} COMPLETED` : `Flow run ${run.name} did not complete (\`ordo flow-run inspect ${run.id}\` shows why)`);
      // whatever the flow left open (timers, sockets) must not keep a finished command alive
      process.exit(code);
    });
}
