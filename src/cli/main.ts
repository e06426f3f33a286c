// The `ordo` command line: one module per command group, assembled here with commander.
import { Command } from "commander";
import { registerFlowRunCommands } from "./flow-run.js";
import { registerWorkerCommands } from "./worker.js";

const program = new Command("ordo").description("Ordo: deployments, flow runs and workers").showHelpAfterError();
registerWorkerCommands(program);
registerFlowRunCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  // one line for people, non-zero for scripts
  process.stderr.write(`ordo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
