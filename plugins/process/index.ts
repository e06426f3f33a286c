// The process plugin: its one block type, as the loader imports it.
import { LOGGER, defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { ProcessBlock, processSchema } from "./process-block.js";

export { DEFAULT_GRACE_SECONDS, ProcessBlock, processSchema, type ProcessConfig } from "./process-block.js";

export const processBlockType = defineBlockType({
  slug: "process",
  name: "Process",
  description: "Runs each flow run as a child process of the worker, with its own env and working directory.",
  schema: processSchema,
  capabilities: ["run-infrastructure"],
  // resolved from the container and passed after the configuration, as { logger }
  inject: { logger: LOGGER },
  implementation: ProcessBlock,
});

// the name and version come from package.json
export default definePlugin({ blockTypes: [processBlockType] });
