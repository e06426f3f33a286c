// The `ordo` command line: one module per command group, assembled here with commander.
import { Command } from "commander";
import { registerBlockCommands } from "./block.js";
import { apiUrl } from "./common/api.js";
import { describeError } from "./common/errors.js";
import { registerDeploymentCommands } from "./deployment/index.js";
import { registerFlowRunCommands } from "./flow-run.js";
import { registerDeployCommand } from "./project/index.js";
import { registerServerCommands } from "./server.js";
import { registerWorkPoolCommands } from "./work-pool.js";
import { registerWorkQueueCommands } from "./work-queue.js";
import { registerWorkerCommands } from "./worker.js";

const program = new Command("ordo")
  .description(`Ordo: deployments, flow runs and workers (server: ORDO_API_URL, default ${apiUrl()})`)
  .showHelpAfterError("(run the command with --help for its usage)");
registerServerCommands(program);
registerDeploymentCommands(program);
registerDeployCommand(program);
registerFlowRunCommands(program);
registerWorkerCommands(program);
registerWorkPoolCommands(program);
registerWorkQueueCommands(program);
registerBlockCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  // one line for people, non-zero for scripts
  process.stderr.write(`ordo: ${describeError(e, apiUrl())}\n`);
  process.exit(1);
});
