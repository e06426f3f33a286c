// The `ordo` command line: one module per command group, assembled here with commander.
import { Command } from "commander";
import { packageVersion } from "../installation.js";
import { apiUrl } from "./common/api.js";
import { describeError } from "./common/errors.js";

/** `words`: the command line's words after the program's name, for a group that loads only the command asked for */
type Register = (program: Command, words: string[]) => void | Promise<void>;

/** Command groups, in help order; each is loaded only when asked for (a spawn costs what it imports). */
const GROUPS: Record<string, () => Promise<Register>> = {
  server: async () => (await import("./server.js")).registerServerCommands,
  deployment: async () => (await import("./deployment/index.js")).registerDeploymentCommands,
  deploy: async () => (await import("./project/index.js")).registerDeployCommand,
  flow: async () => (await import("./flow.js")).registerFlowCommands,
  "flow-run": async () => (await import("./flow-run.js")).registerFlowRunCommands,
  worker: async () => (await import("./worker.js")).registerWorkerCommands,
  agent: async () => (await import("./worker.js")).registerAgentCommands,
  "work-pool": async () => (await import("./work-pool.js")).registerWorkPoolCommands,
  "work-queue": async () => (await import("./work-queue.js")).registerWorkQueueCommands,
  block: async () => (await import("./block.js")).registerBlockCommands,
  "api-key": async () => (await import("./api-key.js")).registerApiKeyCommands,
  version: async () => (await import("./version.js")).registerVersionCommand,
};

const VERSION_FLAGS = ["-V", "--version"];

async function main(argv: string[]): Promise<void> {
  const program = new Command("ordo")
    .description(`Ordo: deployments, flow runs and workers (server: ORDO_API_URL, default ${apiUrl()})`)
    .version(
      packageVersion(),
      VERSION_FLAGS.join(", "),
      "print the CLI's version (no server contact; `ordo version` asks the server too)",
    )
    .showHelpAfterError("(run the command with --help for its usage)");
  // the program's only option is --version, so the first word names the group; --version alone
  // needs none, and anything else (help, a typo to suggest against) needs them all
  const args = argv.slice(2);
  const first = args.find((a) => !a.startsWith("-"));
  const wanted =
    first !== undefined && Object.hasOwn(GROUPS, first)
      ? [first]
      : first === undefined && args.some((a) => VERSION_FLAGS.includes(a))
        ? []
        : Object.keys(GROUPS);
  for (const name of wanted) await (await GROUPS[name]!())(program, args);
  await program.parseAsync(argv);
}

// `ordo … | head` closes the pipe early: the reader has what it wanted, so stop quietly (exit 0, as
// Unix tools do) instead of dying on an unhandled EPIPE with a stack trace
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

main(process.argv).catch((e: unknown) => {
  // one line for people, non-zero for scripts
  process.stderr.write(`ordo: ${describeError(e, apiUrl())}\n`);
  process.exit(1);
});
