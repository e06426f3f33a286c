// The remote-file-system plugin: one block type addressed by URL, building the block of the
// URL's scheme through the host's block factory (no SDK of its own).
import { BLOCKS, defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { RemoteFileSystem, remoteFileSystemSchema } from "./remote-file-system.js";

export { RemoteFileSystem, remoteFileSystemSchema, type RemoteFileSystemConfig } from "./remote-file-system.js";
export {
  createRemoteStorageBlock,
  REMOTE_SCHEMES,
  remoteStorageConfig,
  RemoteStorageError,
  type RemoteScheme,
  type RemoteStorageConfig,
} from "./remote-storage.js";

export const remoteFileSystemBlockType = defineBlockType({
  slug: "remote-file-system",
  name: "Remote File System",
  description:
    "Stores deployment code and files at a URL (file://, s3://, az://, gs://), through the storage block type of its scheme.",
  schema: remoteFileSystemSchema,
  capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
  inject: { blocks: BLOCKS },
  implementation: RemoteFileSystem,
});

// the name and version come from package.json
export default definePlugin({ blockTypes: [remoteFileSystemBlockType] });
