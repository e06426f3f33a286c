// The `gcs` storage block over Google Cloud Storage's JSON API: single objects, and folders copied
// in (an ignore file honoured) and out (paged listings, every object name confined to the target).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Bucket } from "@google-cloud/storage";
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
import { GcsError } from "./errors.js";
import type { GcsConfig } from "./schema.js";
import { parseServiceAccountInfo, ServiceAccountTokens, type ServiceAccountKey } from "./service-account.js";

/** Uploads and downloads run this many at a time. */
const CONCURRENCY = 4;

export class GcsStorage implements ReadPath, WritePath, GetDirectory, PutDirectory {
  readonly bucketName: string;
  /** the folder inside the bucket everything is relative to ("" for its root) */
  readonly prefix: string;
  /** objects per listing page; one request per page */
  protected listPageSize = 1000;
  private readonly key: ServiceAccountKey | undefined;
  private client: Promise<Bucket> | undefined;

  constructor(private readonly config: GcsConfig) {
    const slash = config.bucket_path.indexOf("/");
    this.bucketName = slash === -1 ? config.bucket_path : config.bucket_path.slice(0, slash);
    this.prefix = slash === -1 ? "" : keyUnder(config.bucket_path.slice(slash + 1), null);
    if (this.bucketName === "") throw new Error(`gcs: bucket_path "${config.bucket_path}" names no bucket`);
    try {
      this.key =
        config.service_account_info === undefined ? undefined : parseServiceAccountInfo(config.service_account_info);
    } catch (e) {
      throw new Error(`${(e as Error).message} (bucket "${this.bucketName}")`);
    }
  }

  private get secrets(): (string | undefined)[] {
    const info = this.config.service_account_info;
    return [typeof info === "string" ? info : undefined, this.key?.private_key];
  }

  private fail(action: string, object: string | undefined, cause: unknown): GcsError {
    return new GcsError(action, { bucket: this.bucketName, object }, cause, this.secrets);
  }

  /** The bucket's client, built on first use: the SDK is loaded only by blocks that do work. */
  private bucket(): Promise<Bucket> {
    this.client ??= (async () => {
      const { Storage } = await import("@google-cloud/storage");
      const storage = new Storage({
        apiEndpoint: this.config.api_endpoint?.replace(/\/+$/, ""),
        projectId: this.config.project ?? this.key?.project_id,
        // with a key: its tokens, on a custom endpoint too (the client skips auth there unless told);
        // without one on a custom endpoint (an emulator): no authentication, so no look-up of
        // Application Default Credentials or the GCE metadata server
        ...(this.key
          ? { authClient: new ServiceAccountTokens(this.key) as never, useAuthWithCustomEndpoint: true }
          : {}),
      });
      return storage.bucket(this.bucketName);
    })();
    return this.client;
  }

  async readPath(relative: string): Promise<Buffer> {
    const object = keyUnder(this.prefix, relative);
    const bucket = await this.bucket();
    try {
      const [content] = await bucket.file(object).download();
      return content;
    } catch (e) {
      throw this.fail("read", object, e);
    }
  }

  async writePath(relative: string, content: Buffer | string): Promise<void> {
    const object = keyUnder(this.prefix, relative);
    if (object === this.prefix) throw new Error(`gcs: bucket "${this.bucketName}": a path to write is needed`);
    const bucket = await this.bucket();
    try {
      // one multipart request; resumable sessions pay off only for large files
      await bucket
        .file(object)
        .save(typeof content === "string" ? Buffer.from(content) : content, { resumable: false });
    } catch (e) {
      throw this.fail("write", object, e);
    }
  }

  /**
   * Copies every object under `from` into `localPath`. All names are checked before anything is
   * written: an object named to climb out ("a/../../x") fails the copy with PathOutsideBlockError.
   */
  async getDirectory(from: string | null, localPath: string): Promise<void> {
    const folder = keyUnder(this.prefix, from);
    const listPrefix = folder === "" ? "" : `${folder}/`;
    const bucket = await this.bucket();
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      let files: { name: string }[];
      let next: { pageToken?: string } | null | undefined;
      try {
        [files, next] = await bucket.getFiles({
          prefix: listPrefix,
          autoPaginate: false,
          maxResults: this.listPageSize,
          pageToken,
        });
      } catch (e) {
        throw this.fail("list", listPrefix || undefined, e);
      }
      for (const file of files) names.push(file.name);
      pageToken = next?.pageToken;
    } while (pageToken);
    const downloads = downloadTargets(localPath, listPrefix, names);
    if (downloads.length === 0) throw new Error(`gcs: bucket "${this.bucketName}": no objects under "${listPrefix}"`);
    await mkdir(localPath, { recursive: true });
    await eachLimited(
      downloads,
      async ({ key, target }) => {
        await mkdir(path.dirname(target), { recursive: true });
        try {
          await bucket.file(key).download({ destination: target });
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
    const bucket = await this.bucket();
    await eachLimited(
      files,
      async (file) => {
        const object = keyUnder(folder, file.relativePath);
        try {
          await bucket.upload(file.absolutePath, { destination: object, resumable: false });
        } catch (e) {
          throw this.fail("upload", object, e);
        }
      },
      CONCURRENCY,
    );
    return { files: files.length };
  }
}
