// `ordo deployment …`: build, apply, run and manage deployments; one file per command (or family).
import type { Command } from "commander";

type Register = (deployment: Command) => void;

/** Each command's module, loaded only when that command is run (a spawn costs what it imports). */
const COMMANDS: Record<string, () => Promise<Register>> = {
  build: async () => (await import("./build.js")).registerBuild,
  apply: async () => (await import("./apply.js")).registerApply,
  preview: async () => (await import("./preview.js")).registerPreview,
  run: async () => (await import("./run.js")).registerRun,
  execute: async () => (await import("./execute.js")).registerExecute,
  manage: async () => (await import("./manage.js")).registerManage,
};

/** The commands manage.ts registers. */
const MANAGE = ["inspect", "ls", "delete", "pause", "resume"];

/** `words`: the command line after `ordo`; help or a typo loads every command (help lists them, a typo gets a suggestion). */
export async function registerDeploymentCommands(program: Command, words: string[] = []): Promise<void> {
  const deployment = program
    .command("deployment")
    .description(
      "deployments: build (upload a flow's folder and write deployment.yaml), apply, preview, run, execute, inspect, ls, pause, resume, delete",
    );
  const [, word] = words.filter((w) => !w.startsWith("-"));
  const module = word === undefined ? undefined : MANAGE.includes(word) ? "manage" : word;
  const wanted = module !== undefined && Object.hasOwn(COMMANDS, module) ? [module] : Object.keys(COMMANDS);
  for (const name of wanted) (await COMMANDS[name]!())(deployment);
}
