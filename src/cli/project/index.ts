// `ordo deploy`: (being written).
import type { Command } from "commander";

export function registerDeployCommand(program: Command): void {
  void program;
}
