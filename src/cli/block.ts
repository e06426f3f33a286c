// `ordo block`: (being written).
import type { Command } from "commander";

export function registerBlockCommands(program: Command): void {
  void program;
}
