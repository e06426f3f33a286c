// `ordo work-queue`: (being written).
import type { Command } from "commander";

export function registerWorkQueueCommands(program: Command): void {
  void program;
}
