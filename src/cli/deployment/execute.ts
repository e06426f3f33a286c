// `ordo deployment execute FLOW/NAME`: creates a run and executes it here, in this process, without
// a worker or the pool's infrastructure (for testing a deployment). Exits 0 when it COMPLETED.
import type { Command } from "commander";
import { CliDeploymentCreateRunDocument } from "../../client/generated/graphql.js";
import { executeFlowRun } from "../../worker/executor/execute.js";
import { apiUrl, withClient } from "../common/api.js";
import { progress } from "../common/output.js";
import { abortOnSignals } from "../common/signals.js";
import { DEPLOYMENT_ARGUMENT, findDeployment } from "./lookup.js";
import { parametersFromFlags, withParameterOptions } from "./parameters.js";

export function registerExecute(deployment: Command): void {
  withParameterOptions(
    deployment
      .command("execute")
      .description(
        "create a flow run of a deployment and execute it here, without a worker (for testing); exits 0 when it COMPLETED, 1 otherwise",
      )
      .argument("<deployment>", DEPLOYMENT_ARGUMENT),
  ).action(async (ref: string, opts: { param?: string[]; params?: string }) => {
    const run = await withClient(async (client) => {
      const deployment = await findDeployment(client, ref);
      const parameters = parametersFromFlags(opts.params, opts.param, deployment.parameterOpenapiSchema);
      // created PENDING: it is never SCHEDULED, so no worker can claim it before this process runs it
      const input = {
        deploymentId: deployment.id,
        state: { type: "PENDING" as const },
        ...(parameters ? { parameters } : {}),
      };
      return (await client.request(CliDeploymentCreateRunDocument, { input })).createFlowRun;
    });
    progress(`Executing flow run '${run.name}' (${run.id}) of ${ref} here…`);
    const code = await executeFlowRun({ flowRunId: run.id, apiUrl: apiUrl(), signal: abortOnSignals() });
    progress(
      code === 0
        ? `Flow run ${run.name} COMPLETED`
        : `Flow run ${run.name} did not complete (\`ordo flow-run inspect ${run.id}\` shows why)`,
    );
    // whatever the flow left open (timers, sockets) must not keep a finished command alive
    process.exit(code);
  });
}
