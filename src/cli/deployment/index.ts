// `ordo deployment …`: build, apply, run and manage deployments; one file per command (or family).
import type { Command } from "commander";
import { registerApply } from "./apply.js";
import { registerBuild } from "./build.js";
import { registerExecute } from "./execute.js";
import { registerManage } from "./manage.js";
import { registerPreview } from "./preview.js";
import { registerRun } from "./run.js";

export function registerDeploymentCommands(program: Command): void {
  const deployment = program
    .command("deployment")
    .description(
      "deployments: build (upload a flow's folder and write deployment.yaml), apply, preview, run, execute, inspect, ls, pause, resume, delete",
    );
  registerBuild(deployment);
  registerApply(deployment);
  registerPreview(deployment);
  registerRun(deployment);
  registerExecute(deployment);
  registerManage(deployment);
}
