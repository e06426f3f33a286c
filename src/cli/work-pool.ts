// `ordo work-pool`: (being written).
import type { Command } from "commander";

export function registerWorkPoolCommands(program: Command): void {
  void program;
}
