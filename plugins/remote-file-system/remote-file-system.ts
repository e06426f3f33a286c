// The remote-file-system block (Prefect's RemoteFileSystem): a URL and fsspec-style settings,
// every capability delegated to the block type of the URL's scheme (s3, azure, gcs, local).
import type { BlockFactory, ConfigOf, GetDirectory, PutDirectory, ReadPath, WritePath } from "ordo/blocks-sdk";
import { createRemoteStorageBlock, RemoteStorageError } from "./remote-storage.js";

export const remoteFileSystemSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    basepath: {
      type: "string",
      pattern: "^[A-Za-z][A-Za-z0-9+.-]*://",
      description:
        "file:///abs/path, s3://bucket/prefix, az:// or abfs://container/prefix, gs:// or gcs://bucket/prefix",
    },
    // the settings mix credentials with the rest (as fsspec's storage options): all of it is secret
    settings: {
      type: "object",
      writeOnly: true,
      description:
        "the scheme's fsspec settings: s3 key, secret, token, client_kwargs; az connection_string, account_name, account_key; gs token, project, endpoint_url",
    },
  },
  required: ["basepath"],
  additionalProperties: false,
} as const;

export type RemoteFileSystemConfig = ConfigOf<typeof remoteFileSystemSchema>;

type Storage = ReadPath & WritePath & GetDirectory & PutDirectory;

export class RemoteFileSystem implements Storage {
  /** the block of the scheme's type, built (and its configuration validated) with this one */
  readonly delegate: Storage;

  constructor(config: RemoteFileSystemConfig, deps: { blocks: BlockFactory }) {
    try {
      this.delegate = createRemoteStorageBlock<Storage>(
        config.basepath,
        config.settings as Record<string, unknown> | undefined,
        deps.blocks,
      );
    } catch (e) {
      if (e instanceof RemoteStorageError) e.message = `remote-file-system block: ${e.message}`;
      throw e;
    }
  }

  readPath(path: string): Promise<Buffer> {
    return this.delegate.readPath(path);
  }

  writePath(path: string, content: Buffer | string): Promise<void> {
    return this.delegate.writePath(path, content);
  }

  getDirectory(from: string | null, localPath: string): Promise<void> {
    return this.delegate.getDirectory(from, localPath);
  }

  putDirectory(localPath: string, to: string | null, ignoreFile?: string): Promise<{ files: number }> {
    return this.delegate.putDirectory(localPath, to, ignoreFile);
  }
}
