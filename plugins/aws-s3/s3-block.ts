// The s3 storage block: single objects read and written, folders of a bucket downloaded (keys
// confined to the target folder) and local folders uploaded (an ignore file honoured).
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
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
import { S3BlockError, s3Error } from "./s3-errors.js";
import { DEFAULT_REGION, parseBucketPath, type S3Config } from "./s3-schema.js";

/** Files up to this size are uploaded from memory, so the SDK can retry them. */
const BUFFERED_UPLOAD_LIMIT = 16 * 1024 * 1024;

export class S3Block implements ReadPath, WritePath, GetDirectory, PutDirectory {
  readonly bucket: string;
  readonly prefix: string;
  private client: Promise<S3Client> | null = null;

  constructor(private readonly config: S3Config) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseBucketPath(config.bucket_path));
    // one without the other would fall to the SDK's signing with an empty key: say what is missing
    if ((config.aws_access_key_id === undefined) !== (config.aws_secret_access_key === undefined)) {
      throw new S3BlockError(
        `s3 bucket "${this.bucket}": aws_access_key_id and aws_secret_access_key must be given together`,
        "IncompleteCredentials",
        this.bucket,
      );
    }
  }

  /** The SDK is loaded on first use: the plugin's entry is imported at every server and worker start. */
  private s3(): Promise<S3Client> {
    this.client ??= import("@aws-sdk/client-s3").then(({ S3Client }) => {
      const c = this.config;
      return new S3Client({
        region: c.region_name ?? DEFAULT_REGION,
        // no keys: the SDK's default chain (environment, shared profile, instance or task role)
        ...(c.aws_access_key_id !== undefined && c.aws_secret_access_key !== undefined
          ? {
              credentials: {
                accessKeyId: c.aws_access_key_id,
                secretAccessKey: c.aws_secret_access_key,
                sessionToken: c.aws_session_token,
              },
            }
          : {}),
        // S3-compatible servers are addressed as http://host/bucket, not http://bucket.host
        ...(c.endpoint_url !== undefined ? { endpoint: c.endpoint_url, forcePathStyle: true } : {}),
        // the SDK's newer default checksums are not spoken by every S3-compatible server (s3rver, older MinIO)
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
    });
    return this.client;
  }

  private fail(error: unknown, action: string, key?: string): Error {
    const c = this.config;
    return s3Error(error, { bucket: this.bucket, key, action }, [
      c.aws_secret_access_key,
      c.aws_session_token,
      c.aws_access_key_id,
    ]);
  }

  async readPath(relative: string): Promise<Buffer> {
    const key = keyUnder(this.prefix, relative);
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      const out = await (await this.s3()).send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (e) {
      throw this.fail(e, "reading", key);
    }
  }

  async writePath(relative: string, content: Buffer | string): Promise<void> {
    const key = keyUnder(this.prefix, relative);
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      await (await this.s3()).send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: typeof content === "string" ? Buffer.from(content) : content,
        }),
      );
    } catch (e) {
      throw this.fail(e, "writing", key);
    }
  }

  /** Every object key under `prefix` ("" for the whole bucket), following ListObjectsV2's continuation. */
  async listKeys(prefix: string): Promise<string[]> {
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const client = await this.s3();
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix === "" ? undefined : prefix,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (e) {
      throw this.fail(e, `listing "${prefix}"`);
    }
    return keys;
  }

  /**
   * Downloads every object under `from` into `localPath`, the `from` part of its key dropped (as
   * Prefect's pull_from_s3). Every target is checked before anything is written: a key whose
   * relative part leaves the folder ("..") fails the whole copy with PathOutsideBlockError.
   */
  async getDirectory(from: string | null, localPath: string): Promise<void> {
    const folder = keyUnder(this.prefix, from);
    const listPrefix = folder === "" ? "" : `${folder}/`;
    // "folder/" placeholder objects (written by consoles) are folders, not files
    const targets = downloadTargets(localPath, listPrefix, await this.listKeys(listPrefix));
    if (targets.length === 0)
      throw new S3BlockError(
        `s3 bucket "${this.bucket}": no objects under "${listPrefix}"`,
        "NoObjects",
        this.bucket,
        listPrefix,
      );
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.s3();
    await eachLimited(targets, async ({ key, target }) => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        await mkdir(path.dirname(target), { recursive: true });
        await pipeline(out.Body as Readable, createWriteStream(target));
      } catch (e) {
        throw this.fail(e, `downloading to ${target}`, key);
      }
    });
  }

  async putDirectory(localPath: string, to: string | null, ignoreFile?: string): Promise<{ files: number }> {
    const folder = keyUnder(this.prefix, to);
    const files = await listLocalFiles(localPath, ignoreFile);
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = await this.s3();
    await eachLimited(files, async (file) => {
      const key = keyUnder(folder, file.relativePath);
      try {
        // a buffer can be sent again when the SDK retries a failed request, a stream cannot: only
        // large files are streamed (with their length), so they are never held in memory whole
        const { size } = await stat(file.absolutePath);
        const body =
          size <= BUFFERED_UPLOAD_LIMIT ? await readFile(file.absolutePath) : createReadStream(file.absolutePath);
        await client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: size }));
      } catch (e) {
        throw this.fail(e, `uploading ${file.absolutePath}`, key);
      }
    });
    return { files: files.length };
  }
}
