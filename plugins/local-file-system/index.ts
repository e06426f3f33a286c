// The local-file-system plugin: its one block type, as the loader imports it.
import { definePlugin, defineBlockType } from "ordo/blocks-sdk";
import { LocalFileSystem, localFileSystemSchema } from "./local-file-system.js";

export {
  LocalFileSystem,
  localFileSystemSchema,
  PathOutsideBlockError,
  type LocalFileSystemConfig,
} from "./local-file-system.js";

export const localFileSystemBlockType = defineBlockType({
  slug: "local-file-system",
  name: "Local File System",
  description: "Stores deployment code and files in a folder of the machine the worker runs on.",
  schema: localFileSystemSchema,
  capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
  // A system block, as in Prefect: users create documents of it but cannot redefine the type.
  isProtected: true,
  implementation: LocalFileSystem,
});

// the name and version come from package.json
export default definePlugin({ blockTypes: [localFileSystemBlockType] });
