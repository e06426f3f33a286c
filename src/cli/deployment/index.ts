// `ordo deployment`: (being written).
import type { Command } from "commander";

export function registerDeploymentCommands(program: Command): void {
  void program;
}
