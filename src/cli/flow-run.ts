// `ordo flow-run execute <id>`: what a run's infrastructure runs — executes one flow run in this
// process and exits 0 when it COMPLETED, 1 when it did not (signals: 128 + the signal number).
import type { Command } from "commander";
import { executeFlowRun } from "../worker/executor/execute.js";
import { apiUrl, DEFAULT_API_URL } from "./common/api.js";
import { positive } from "./common/options.js";

export function registerFlowRunCommands(program: Command): void {
  const flowRun = program.command("flow-run").description("flow runs");
  flowRun
    .command("execute")
    .description(
      `execute a flow run here: pull its deployment's code, run its entrypoint with the run's parameters (one object argument), report its states and logs (server: ORDO_API_URL, default ${DEFAULT_API_URL})`,
    )
    .argument("[id]", "flow run id (default: ORDO_FLOW_RUN_ID)")
    .option("--heartbeat-seconds <s>", "seconds between renewals of the run's lease", positive("--heartbeat-seconds"), 10)
    .action(async (id: string | undefined, opts: { heartbeatSeconds: number }) => {
      const flowRunId = id ?? process.env.ORDO_FLOW_RUN_ID;
      if (!flowRunId) throw new Error("flow-run execute: give the flow run id (or set ORDO_FLOW_RUN_ID)");
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        // a second signal does not wait for the report
        if (stop.signal.aborted) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
        stop.abort(signal);
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      const code = await executeFlowRun({
        flowRunId,
        apiUrl: apiUrl(),
        heartbeatSeconds: opts.heartbeatSeconds,
        signal: stop.signal,
      });
      // whatever the flow left open (timers, sockets) must not keep a finished run's process alive
      process.exit(code);
    });
}

