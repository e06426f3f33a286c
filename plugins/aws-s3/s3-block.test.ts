// The s3 block against a real S3 emulator (s3rver on 127.0.0.1): single objects, folder round
// trips with an .ordoignore, keys that would leave the target folder, refused credentials, and the
// type's registration (schema, secret fields) through Ordo's BlockRegistry.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BlockRegistry } from "../../src/blocks/index.js";
import { PathOutsideBlockError } from "ordo/blocks-sdk";
import plugin, { S3Block, S3BlockError, parseBucketPath, type S3Config } from "./index.js";
import { startS3TestServer, type S3TestServer } from "./test-server.js";

let server: S3TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startS3TestServer({ bucket: "ordo-block-test" });
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-s3-"));
  return () => rm(tmp, { recursive: true, force: true });
});

function block(bucketPath: string, extra: Partial<S3Config> = {}): S3Block {
  return new S3Block({
    bucket_path: bucketPath,
    aws_access_key_id: server.accessKeyId,
    aws_secret_access_key: server.secretAccessKey,
    endpoint_url: server.endpoint,
    ...extra,
  });
}

/** A raw client, to look at the bucket without going through the block. */
function rawClient(): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await rawClient().send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
}

describe("definition", () => {
  const registry = new BlockRegistry();
  registry.register(plugin, { name: "@ordo/plugin-aws-s3" });

  it("registers the s3 type with four storage capabilities, its credentials secret, and its steps", () => {
    const type = registry.get("s3");
    expect(type.capabilities).toEqual(["read-path", "write-path", "get-directory", "put-directory"]);
    expect([...type.secretFields].sort()).toEqual(["aws_access_key_id", "aws_secret_access_key", "aws_session_token"]);
    expect(plugin.steps?.map((s) => [s.name, s.kind, s.aliases])).toEqual([
      ["pull_from_s3", "pull", ["pull_project_from_s3"]],
      ["push_to_s3", "push", ["push_project_to_s3"]],
    ]);
  });

  it.each([
    [{}, "must have required property 'bucket_path'"],
    [{ bucket_path: "s3://bucket/x" }, "/bucket_path must match pattern"],
    [{ bucket_path: "b", endpoint_url: "not a url" }, '/endpoint_url must match format "uri"'],
    [{ bucket_path: "b", secret: "x" }, "must NOT have additional properties"],
    [{ bucket_path: "b", region_name: 3 }, "/region_name must be string"],
  ])("refuses the configuration %j", (config, message) => {
    expect(
      registry
        .validate("s3", config)
        .map((i) => `${i.path} ${i.message}`)
        .join("; "),
    ).toContain(message);
  });

  it("accepts a minimal and a full configuration", () => {
    expect(registry.validate("s3", { bucket_path: "bucket" })).toEqual([]);
    expect(
      registry.validate("s3", {
        bucket_path: "bucket/a/b",
        aws_access_key_id: "k",
        aws_secret_access_key: "s",
        aws_session_token: "t",
        region_name: "eu-west-3",
        endpoint_url: "http://127.0.0.1:9000",
      }),
    ).toEqual([]);
  });

  it("splits bucket_path into the bucket and a clean prefix", () => {
    expect(parseBucketPath("b")).toEqual({ bucket: "b", prefix: "" });
    expect(parseBucketPath("b/")).toEqual({ bucket: "b", prefix: "" });
    expect(parseBucketPath("b/a//c/")).toEqual({ bucket: "b", prefix: "a/c" });
  });
});

describe("paths", () => {
  it("writes and reads back under the prefix", async () => {
    const b = block(`${server.bucket}/paths`);
    await b.writePath("a/b.txt", "hello");
    await b.writePath("bin.dat", Buffer.from([0, 1, 255]));
    expect((await b.readPath("a/b.txt")).toString()).toBe("hello");
    expect([...(await b.readPath("bin.dat"))]).toEqual([0, 1, 255]);
    const raw = await rawClient().send(new GetObjectCommand({ Bucket: server.bucket, Key: "paths/a/b.txt" }));
    expect(await raw.Body!.transformToString()).toBe("hello");
  });

  it("refuses paths that climb above the prefix", async () => {
    const b = block(`${server.bucket}/paths`);
    await expect(b.writePath("../outside.txt", "x")).rejects.toThrow(PathOutsideBlockError);
    await expect(b.readPath("a/../../x")).rejects.toThrow(PathOutsideBlockError);
  });

  it("names the bucket, key and S3 error code of a missing object", async () => {
    await expect(block(`${server.bucket}/paths`).readPath("missing.txt")).rejects.toThrow(
      `s3 bucket "${server.bucket}" key "paths/missing.txt": NoSuchKey`,
    );
  });
});

describe("put and get directory", () => {
  const project = {
    "flow.ts": "export const f = 1;",
    "lib/util.ts": "export {};",
    "lib/debug.log": "noise",
    "keep.log": "kept by a negation",
    "node_modules/dep/index.js": "dependency",
    "data/small.csv": "a,b",
    ".env": "SECRET=1",
  };

  it("uploads a folder minus what .ordoignore names, then downloads all of it and a sub-folder", async () => {
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, ".ordoignore": "*.log\n!keep.log\nnode_modules/\n.env\n" });
    const b = block(`${server.bucket}/round-trip`);
    const expected = [".ordoignore", "data/small.csv", "flow.ts", "keep.log", "lib/util.ts"];
    expect(await b.putDirectory(src, "v1")).toEqual({ files: expected.length });
    expect(await keysUnder("round-trip/")).toEqual(expected.map((k) => `round-trip/v1/${k}`));

    const whole = path.join(tmp, "whole");
    await b.getDirectory(null, whole);
    expect(await listFiles(whole)).toEqual(expected.map((k) => `v1/${k}`));
    expect(await readFile(path.join(whole, "v1/lib/util.ts"), "utf8")).toBe("export {};");

    const sub = path.join(tmp, "sub");
    await b.getDirectory("v1/lib", sub);
    expect(await listFiles(sub)).toEqual(["util.ts"]);
  });

  it("takes a named ignore file, which must exist", async () => {
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, "deploy.ignore": "lib/\n*.csv\n" });
    const b = block(`${server.bucket}/named-ignore`);
    await b.putDirectory(src, null, "deploy.ignore");
    const keys = await keysUnder("named-ignore/");
    expect(keys).toContain("named-ignore/flow.ts");
    expect(keys.filter((k) => k.includes("lib/") || k.endsWith(".csv"))).toEqual([]);
    await expect(b.putDirectory(src, "y", "missing.ignore")).rejects.toThrow(/ENOENT/);
  });

  it("says so when the folder holds no objects", async () => {
    await expect(block(server.bucket).getDirectory("nothing-here", path.join(tmp, "out"))).rejects.toThrow(
      `s3 bucket "${server.bucket}": no objects under "nothing-here/"`,
    );
  });

  it.each([
    ["escape/..", "escape"],
    ["escape2/x/..", "escape2"],
  ])(
    "refuses the planted key %s, which would land outside the target folder, before writing anything",
    async (key, folder) => {
      const client = rawClient();
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${folder}/good.txt`, Body: "fine" }));
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: "planted" }));
      expect(await keysUnder(`${folder}/`)).toContain(key);
      const parent = path.join(tmp, "parent");
      const target = path.join(parent, "target");
      await mkdir(target, { recursive: true });
      await expect(block(server.bucket).getDirectory(folder, target)).rejects.toThrow(PathOutsideBlockError);
      // nothing written: not the planted object, not even the good one
      expect(await listFiles(parent)).toEqual([]);
    },
  );
});

describe("errors", () => {
  const secret = "wJalrXUtnFEMI-not-a-real-secret";

  it("a wrong access key names the block type, bucket and S3 code, and no credential", async () => {
    // s3rver checks the access key id; it does not verify SigV4 signatures, so a wrong secret alone passes there
    const b = block(server.bucket, {
      aws_access_key_id: "AKIAWRONGKEY0000",
      aws_secret_access_key: secret,
      aws_session_token: "session-token-value",
    });
    const error = await b.readPath("x.txt").then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(S3BlockError);
    expect(error!.message).toMatch(new RegExp(`^s3 bucket "${server.bucket}" key "x.txt": InvalidAccessKeyId `));
    for (const credential of [secret, "AKIAWRONGKEY0000", "session-token-value"])
      expect(error!.message).not.toContain(credential);
    expect(error!.cause).toBeUndefined();
    await expect(b.putDirectory(tmp, null)).resolves.toEqual({ files: 0 });
    await writeFile(path.join(tmp, "f.txt"), "x");
    await expect(b.putDirectory(tmp, "p")).rejects.toThrow(/InvalidAccessKeyId/);
    await expect(b.getDirectory(null, path.join(tmp, "out"))).rejects.toThrow(
      `s3 bucket "${server.bucket}": InvalidAccessKeyId`,
    );
  });

  it("a missing bucket is named with NoSuchBucket, and the secret is not in the message", async () => {
    const b = block("no-such-bucket/x", { aws_secret_access_key: secret });
    const error = await b.getDirectory(null, path.join(tmp, "out")).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^s3 bucket "no-such-bucket": NoSuchBucket /);
    expect(error?.message).not.toContain(secret);
  });

  it("an unreachable endpoint names the bucket and the network error", async () => {
    const b = block(server.bucket, { endpoint_url: "http://127.0.0.1:1" });
    await expect(b.readPath("x")).rejects.toThrow(new RegExp(`^s3 bucket "${server.bucket}" key "x": ECONNREFUSED`));
  });

  it("an access key without its secret is refused when the block is built", () => {
    expect(() => new S3Block({ bucket_path: "b", aws_access_key_id: "AKIA" })).toThrow(
      's3 bucket "b": aws_access_key_id and aws_secret_access_key must be given together',
    );
  });
});
