// The `azure` storage block over Azure Blob Storage: single blobs, and folders copied in (an ignore
// file honoured) and out (paged listings, every blob name confined to the target folder).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ContainerClient } from "@azure/storage-blob";
import {
  downloadTargets,
  eachLimited,
  keyUnder,
  listLocalFiles,
  type GetDirectory,
  type PutDirectory,
  type ReadPath,
  type WritePath,
} from "ordo/blocks-sdk";
import { AzureBlobError } from "./errors.js";
import type { AzureConfig } from "./schema.js";

/** Uploads and downloads run this many at a time: enough to hide latency, few enough for small workers. */
const CONCURRENCY = 4;

/** The account named in a connection string (for messages), never anything else of it. */
function accountOf(connectionString: string): string {
  return /(?:^|;)\s*AccountName=([^;]+)/i.exec(connectionString)?.[1]?.trim() ?? "(from the connection string)";
}

export class AzureBlobStorage implements ReadPath, WritePath, GetDirectory, PutDirectory {
  readonly container: string;
  /** the folder inside the container everything is relative to ("" for its root) */
  readonly prefix: string;
  readonly account: string;
  /** blobs per listing page; one request per page */
  protected listPageSize = 1000;
  private client: Promise<ContainerClient> | undefined;

  constructor(private readonly config: AzureConfig) {
    const slash = config.bucket_path.indexOf("/");
    this.container = slash === -1 ? config.bucket_path : config.bucket_path.slice(0, slash);
    this.prefix = slash === -1 ? "" : keyUnder(config.bucket_path.slice(slash + 1), null);
    if (this.container === "") throw new Error(`azure: bucket_path "${config.bucket_path}" names no container`);
    if (config.azure_storage_connection_string) this.account = accountOf(config.azure_storage_connection_string);
    else if (config.azure_storage_account_name && config.azure_storage_account_key)
      this.account = config.azure_storage_account_name;
    else {
      throw new Error(
        `azure: container "${this.container}": give azure_storage_connection_string, or azure_storage_account_name with azure_storage_account_key`,
      );
    }
  }

  private get secrets(): (string | undefined)[] {
    return [this.config.azure_storage_connection_string, this.config.azure_storage_account_key];
  }

  private fail(action: string, blob: string | undefined, cause: unknown): AzureBlobError {
    return new AzureBlobError(action, { account: this.account, container: this.container, blob }, cause, this.secrets);
  }

  /** The container's client, built on first use: the SDK is loaded only by blocks that do work. */
  private containerClient(): Promise<ContainerClient> {
    this.client ??= (async () => {
      const { BlobServiceClient, StorageSharedKeyCredential } = await import("@azure/storage-blob");
      try {
        const {
          azure_storage_connection_string: cs,
          azure_storage_account_name: name,
          azure_storage_account_key: key,
        } = this.config;
        const service = cs
          ? BlobServiceClient.fromConnectionString(cs)
          : new BlobServiceClient(
              (this.config.azure_storage_account_url ?? `https://${name}.blob.core.windows.net`).replace(/\/+$/, ""),
              new StorageSharedKeyCredential(name!, key!),
            );
        return service.getContainerClient(this.container);
      } catch (e) {
        // an unparsable connection string or key: the SDK's message may quote it
        throw this.fail("connect to", undefined, e);
      }
    })();
    this.client.catch(() => (this.client = undefined));
    return this.client;
  }

  async readPath(relative: string): Promise<Buffer> {
    const blob = keyUnder(this.prefix, relative);
    const container = await this.containerClient();
    try {
      return await container.getBlobClient(blob).downloadToBuffer();
    } catch (e) {
      throw this.fail("read", blob, e);
    }
  }

  async writePath(relative: string, content: Buffer | string): Promise<void> {
    const blob = keyUnder(this.prefix, relative);
    if (blob === this.prefix) throw new Error(`azure: container "${this.container}": a path to write is needed`);
    const container = await this.containerClient();
    const data = typeof content === "string" ? Buffer.from(content) : content;
    try {
      await container.getBlockBlobClient(blob).uploadData(data);
    } catch (e) {
      throw this.fail("write", blob, e);
    }
  }

  /**
   * Copies every blob under `from` into `localPath`. All names are checked before anything is
   * written: a blob named to climb out ("a/../../x") fails the copy with PathOutsideBlockError.
   */
  async getDirectory(from: string | null, localPath: string): Promise<void> {
    const folder = keyUnder(this.prefix, from);
    const listPrefix = folder === "" ? "" : `${folder}/`;
    const container = await this.containerClient();
    const names: string[] = [];
    try {
      for await (const page of container
        .listBlobsFlat({ prefix: listPrefix })
        .byPage({ maxPageSize: this.listPageSize })) {
        for (const item of page.segment.blobItems) names.push(item.name);
      }
    } catch (e) {
      throw this.fail("list", listPrefix || undefined, e);
    }
    const downloads = downloadTargets(localPath, listPrefix, names);
    if (downloads.length === 0) throw new Error(`azure: container "${this.container}": no blobs under "${listPrefix}"`);
    await mkdir(localPath, { recursive: true });
    await eachLimited(
      downloads,
      async ({ key, target }) => {
        await mkdir(path.dirname(target), { recursive: true });
        try {
          await container.getBlobClient(key).downloadToFile(target);
        } catch (e) {
          throw this.fail("download", key, e);
        }
      },
      CONCURRENCY,
    );
  }

  async putDirectory(localPath: string, to: string | null, ignoreFile?: string): Promise<{ files: number }> {
    const folder = keyUnder(this.prefix, to);
    const files = await listLocalFiles(localPath, ignoreFile);
    const container = await this.containerClient();
    await eachLimited(
      files,
      async (file) => {
        const blob = keyUnder(folder, file.relativePath);
        try {
          await container.getBlockBlobClient(blob).uploadFile(file.absolutePath);
        } catch (e) {
          throw this.fail("upload", blob, e);
        }
      },
      CONCURRENCY,
    );
    return { files: files.length };
  }
}
