// The remote-file-system block built by Ordo's BlockRegistry next to the real local-file-system
// and s3 plugins: file:// on a temp folder and s3:// against s3rver, end to end, and the errors
// for a scheme whose plugin is not loaded.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { container as rootContainer } from "tsyringe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BlockRegistry, InvalidBlockConfigError } from "../../src/blocks/index.js";
import s3Plugin, { S3Block } from "../aws-s3/index.js";
import { startS3TestServer, type S3TestServer } from "../aws-s3/test-server.js";
import localPlugin, { LocalFileSystem } from "../local-file-system/index.js";
import plugin, { RemoteFileSystem } from "./index.js";

let tmp: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-rfs-"));
  return () => rm(tmp, { recursive: true, force: true });
});

function registry(withS3 = true): BlockRegistry {
  const r = new BlockRegistry();
  r.register(localPlugin, { name: "@ordo/plugin-local-file-system" });
  if (withS3) r.register(s3Plugin, { name: "@ordo/plugin-aws-s3" });
  r.register(plugin, { name: "@ordo/plugin-remote-file-system" });
  return r;
}

function build(config: Record<string, unknown>, r = registry()): RemoteFileSystem {
  return r.createInstance<RemoteFileSystem>("remote-file-system", config, rootContainer.createChildContainer());
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

async function project(root: string): Promise<void> {
  await mkdir(path.join(root, "lib"), { recursive: true });
  await mkdir(path.join(root, "cache"), { recursive: true });
  await writeFile(path.join(root, "flow.ts"), "flow");
  await writeFile(path.join(root, "lib/util.ts"), "util");
  await writeFile(path.join(root, "cache/big.bin"), "cache");
  await writeFile(path.join(root, "debug.log"), "log");
  await writeFile(path.join(root, ".ordoignore"), "cache/\n*.log\n");
}

describe("definition", () => {
  it("marks the whole settings object secret and injects the block factory", () => {
    const type = registry().get("remote-file-system");
    expect(type.secretFields).toEqual(["settings"]);
    expect(type.capabilities).toEqual(["read-path", "write-path", "get-directory", "put-directory"]);
    expect(plugin.blockTypes[0]!.inject).toHaveProperty("blocks");
  });

  it("refuses a basepath without a scheme, and extra fields", () => {
    const r = registry();
    expect(r.validate("remote-file-system", { basepath: "/srv/flows" }).map((i) => i.path)).toEqual(["/basepath"]);
    expect(r.validate("remote-file-system", { basepath: "s3://b", key: "k" }).map((i) => i.message)).toEqual([
      "must NOT have additional properties",
    ]);
  });
});

describe("file://", () => {
  it("delegates every capability to a local-file-system block on the path", async () => {
    const store = path.join(tmp, "store");
    const block = build({ basepath: pathToFileURL(store).href });
    expect(block.delegate).toBeInstanceOf(LocalFileSystem);

    await block.writePath("a/b.txt", "hello");
    expect(await readFile(path.join(store, "a/b.txt"), "utf8")).toBe("hello");
    expect((await block.readPath("a/b.txt")).toString()).toBe("hello");

    const src = path.join(tmp, "project");
    await project(src);
    expect(await block.putDirectory(src, "v1")).toEqual({ files: 3 });
    expect(await listFiles(path.join(store, "v1"))).toEqual([".ordoignore", "flow.ts", "lib/util.ts"]);
    const out = path.join(tmp, "out");
    await block.getDirectory("v1", out);
    expect(await listFiles(out)).toEqual([".ordoignore", "flow.ts", "lib/util.ts"]);
  });
});

describe("s3://", () => {
  let server: S3TestServer;
  beforeAll(async () => {
    server = await startS3TestServer({ bucket: "ordo-rfs" });
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("delegates to an s3 block built from s3fs's settings", async () => {
    const block = build({
      basepath: `s3://${server.bucket}/flows`,
      settings: {
        key: server.accessKeyId,
        secret: server.secretAccessKey,
        client_kwargs: { endpoint_url: server.endpoint },
      },
    });
    expect(block.delegate).toBeInstanceOf(S3Block);
    expect((block.delegate as S3Block).prefix).toBe("flows");

    const src = path.join(tmp, "project");
    await project(src);
    expect(await block.putDirectory(src, "v1")).toEqual({ files: 3 });
    await block.writePath("note.txt", "n");
    expect((await block.readPath("v1/lib/util.ts")).toString()).toBe("util");
    const out = path.join(tmp, "out");
    await block.getDirectory(null, out);
    expect(await listFiles(out)).toEqual(["note.txt", "v1/.ordoignore", "v1/flow.ts", "v1/lib/util.ts"]);
  });

  it("passes the s3 block's errors through: bucket named, secret not quoted", async () => {
    const block = build({
      basepath: `s3://${server.bucket}/flows`,
      settings: { key: "AKIAWRONG", secret: "do-not-print-me", endpoint_url: server.endpoint },
    });
    const error = await block.readPath("x").then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(new RegExp(`^s3 bucket "${server.bucket}" key "flows/x": InvalidAccessKeyId`));
    expect(error?.message).not.toContain("do-not-print-me");
  });
});

describe("errors", () => {
  it("names the scheme and the package to install when its plugin is not loaded", () => {
    const without = registry(false);
    expect(() => build({ basepath: "s3://bucket/x", settings: { secret: "s" } }, without)).toThrow(
      'remote-file-system block: s3:// storage needs the "s3" block type: install the @ordo/plugin-aws-s3 plugin',
    );
    expect(() => build({ basepath: "gs://bucket/x" }, without)).toThrow("install the @ordo/plugin-gcs plugin");
    expect(() => build({ basepath: "az://container" }, without)).toThrow("install the @ordo/plugin-azure-blob plugin");
  });

  it("refuses an unknown scheme", () => {
    expect(() => build({ basepath: "ftp://host/dir" })).toThrow(
      'remote-file-system block: remote storage scheme "ftp://" is not supported',
    );
  });

  it("reports the scheme block's invalid configuration by field, without its values", () => {
    const attempt = () =>
      build({ basepath: "s3://bucket", settings: { key: "AKIA", secret: "s3cr3t-value", endpoint_url: "not a url" } });
    expect(attempt).toThrow(
      'remote-file-system block: s3:// storage: invalid configuration for block type "s3": /endpoint_url must match format "uri"',
    );
    expect(attempt).not.toThrow(/s3cr3t-value/);
    // the registry validated the remote-file-system configuration itself first
    expect(() => build({ basepath: "s3://bucket", settings: "key=x" })).toThrow(InvalidBlockConfigError);
  });
});
