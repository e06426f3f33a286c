// The azure block and its steps against Azurite (in-process, real HTTP on 127.0.0.1): folders in
// and out with .ordoignore, single paths, paging, refused credentials, and blob names that climb.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import { PathOutsideBlockError, type StepContext } from "ordo/blocks-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import plugin, { AzureBlobError, AzureBlobStorage, azureSchema, scrub, type AzureConfig } from "./index.js";
import { startAzuriteTestServer, type AzuriteTestServer } from "./test-server.js";

// ajv-formats is CommonJS with a default export: under NodeNext its default import is the module object
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ??
  addFormatsImport) as typeof import("ajv-formats").default;

let azurite: AzuriteTestServer;
let container: ContainerClient;
let tmp: string;
let n = 0;

beforeAll(async () => {
  azurite = await startAzuriteTestServer();
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(azurite.container);
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-azure-"));
  return () => rm(tmp, { recursive: true, force: true });
});

/** A folder of the container no other test touches. */
const fresh = () => `t${++n}`;

const byConnectionString = (bucketPath: string): AzureConfig => ({
  bucket_path: bucketPath,
  azure_storage_connection_string: azurite.connectionString,
});
const byAccountKey = (bucketPath: string): AzureConfig => ({
  bucket_path: bucketPath,
  azure_storage_account_name: azurite.accountName,
  azure_storage_account_key: azurite.accountKey,
  azure_storage_account_url: azurite.accountUrl,
});

async function blobNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix })) names.push(b.name);
  return names.sort();
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

const project = {
  "flow.ts": "export const f = 1;",
  "lib/util.ts": "export {};",
  "lib/debug.log": "noise",
  "keep.log": "kept by a negation",
  "node_modules/dep/index.js": "dependency",
  "data/small.csv": "a,b",
  ".ordoignore": "*.log\n!keep.log\nnode_modules/\n",
};
const uploaded = [".ordoignore", "data/small.csv", "flow.ts", "keep.log", "lib/util.ts"];

describe("definition", () => {
  it("declares the azure storage type, its secrets and prefect_azure's steps", () => {
    const [type] = plugin.blockTypes;
    expect(type).toMatchObject({
      slug: "azure",
      capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
    });
    const props = azureSchema.properties;
    expect(props.azure_storage_connection_string.writeOnly).toBe(true);
    expect(props.azure_storage_account_key.writeOnly).toBe(true);
    expect("writeOnly" in props.azure_storage_account_name).toBe(false);
    expect(plugin.steps?.map((s) => [s.name, s.kind, s.secretArgs])).toEqual([
      ["pull_from_azure_blob_storage", "pull", ["credentials"]],
      ["push_to_azure_blob_storage", "push", ["credentials"]],
    ]);
  });

  it("has a schema strict Ajv compiles, needing a connection string or an account name and key", () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("password", { type: "string", validate: () => true });
    const validate = ajv.compile(azureSchema);
    expect(validate({ bucket_path: "c", azure_storage_connection_string: "x" })).toBe(true);
    expect(
      validate({
        bucket_path: "c/p",
        azure_storage_account_name: "a",
        azure_storage_account_key: "k",
        azure_storage_account_url: "http://127.0.0.1:1/a",
      }),
    ).toBe(true);
    expect(validate({ bucket_path: "c", azure_storage_account_name: "a" })).toBe(false);
    expect(validate({ bucket_path: "c" })).toBe(false);
    expect(validate({ bucket_path: "/p", azure_storage_connection_string: "x" })).toBe(false);
    expect(
      validate({ bucket_path: "c", azure_storage_connection_string: "x", azure_storage_account_url: "not a url" }),
    ).toBe(false);
  });

  it("refuses to build without credentials, saying which fields are needed", () => {
    expect(() => new AzureBlobStorage({ bucket_path: "c", azure_storage_account_name: "a" } as AzureConfig)).toThrow(
      /azure: container "c": give azure_storage_connection_string, or azure_storage_account_name with azure_storage_account_key/,
    );
  });

  it("scrubs keys out of messages", () => {
    const text = scrub(
      "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=c2VjcmV0;x https://h/c?sv=1&sig=abc%3D&se=2 SharedKey a:bWFj",
      ["other"],
    );
    expect(text).not.toMatch(/c2VjcmV0|abc%3D|bWFj/);
    expect(scrub("the key is other!", ["other"])).toBe("the key is ********!");
  });
});

describe("put and get directory", () => {
  it("uploads a folder honouring .ordoignore, and downloads it whole and by sub-folder", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, project);
    const block = new AzureBlobStorage(byConnectionString(`${azurite.container}/${folder}`));
    expect(await block.putDirectory(src, "v1")).toEqual({ files: uploaded.length });
    expect(await blobNames(`${folder}/`)).toEqual(uploaded.map((f) => `${folder}/v1/${f}`));

    // another block, authenticated by account name and key against the emulator's URL
    const reader = new AzureBlobStorage(byAccountKey(`${azurite.container}/${folder}`));
    await reader.getDirectory("v1", path.join(tmp, "whole"));
    expect(await listFiles(path.join(tmp, "whole"))).toEqual(uploaded);
    expect(await readFile(path.join(tmp, "whole/lib/util.ts"), "utf8")).toBe("export {};");
    await reader.getDirectory("v1/lib", path.join(tmp, "lib"));
    expect(await listFiles(path.join(tmp, "lib"))).toEqual(["util.ts"]);
    await reader.getDirectory(null, path.join(tmp, "root"));
    expect(await listFiles(path.join(tmp, "root"))).toEqual(uploaded.map((f) => `v1/${f}`));
  });

  it("takes a named ignore file, and fails when a named one is missing", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, "deploy.ignore": "lib\n*.csv\n" });
    const block = new AzureBlobStorage(byConnectionString(azurite.container));
    await block.putDirectory(src, folder, "deploy.ignore");
    const names = await blobNames(`${folder}/`);
    expect(names).toContain(`${folder}/flow.ts`);
    expect(names).toContain(`${folder}/keep.log`);
    expect(names.some((b) => b.includes("/lib/") || b.endsWith(".csv"))).toBe(false);
    await expect(block.putDirectory(src, fresh(), "missing.ignore")).rejects.toThrow(/ENOENT/);
  });

  it("reads every page of a listing", async () => {
    const folder = fresh();
    for (let i = 0; i < 7; i++)
      await container.getBlockBlobClient(`${folder}/f${i}.txt`).uploadData(Buffer.from(String(i)));
    class SmallPages extends AzureBlobStorage {
      protected override listPageSize = 2;
    }
    await new SmallPages(byConnectionString(`${azurite.container}/${folder}`)).getDirectory(
      null,
      path.join(tmp, "out"),
    );
    expect(await listFiles(path.join(tmp, "out"))).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `f${i}.txt`));
  });

  it("refuses a blob whose name climbs out of the target folder, writing nothing", async () => {
    const folder = fresh();
    await container.getBlockBlobClient(`${folder}/code/a.txt`).uploadData(Buffer.from("a"));
    // Azurite stores "\" as "/": the blob is really named "<folder>/code/../../escaped.txt"
    await container.getBlockBlobClient(`${folder}/code/..\\..\\escaped.txt`).uploadData(Buffer.from("evil"));
    expect(await blobNames(`${folder}/`)).toContain(`${folder}/code/../../escaped.txt`);
    const block = new AzureBlobStorage(byConnectionString(`${azurite.container}/${folder}`));
    const out = path.join(tmp, "run", "checkout");
    await expect(block.getDirectory("code", out)).rejects.toThrow(PathOutsideBlockError);
    expect(existsSync(path.join(tmp, "escaped.txt"))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it("keeps a blob named with a leading slash inside the target folder", async () => {
    const folder = fresh();
    await container.getBlockBlobClient(`${folder}//abs.txt`).uploadData(Buffer.from("in"));
    const block = new AzureBlobStorage(byConnectionString(`${azurite.container}/${folder}`));
    await block.getDirectory(null, path.join(tmp, "out"));
    expect(await listFiles(path.join(tmp, "out"))).toEqual(["abs.txt"]);
  });
});

describe("paths", () => {
  it("writes and reads back under the prefix", async () => {
    const folder = fresh();
    const block = new AzureBlobStorage(byAccountKey(`${azurite.container}/${folder}/base`));
    await block.writePath("a/b.txt", "hello");
    await block.writePath("bin.dat", Buffer.from([0, 1, 2]));
    expect((await block.readPath("a/b.txt")).toString()).toBe("hello");
    expect([...(await block.readPath("bin.dat"))]).toEqual([0, 1, 2]);
    expect(await blobNames(`${folder}/`)).toEqual([`${folder}/base/a/b.txt`, `${folder}/base/bin.dat`]);
  });

  it("refuses paths above the prefix", async () => {
    const block = new AzureBlobStorage(byConnectionString(`${azurite.container}/${fresh()}`));
    await expect(block.readPath("../x")).rejects.toThrow(PathOutsideBlockError);
    await expect(block.writePath("a/../../x", "x")).rejects.toThrow(PathOutsideBlockError);
    await expect(block.getDirectory("..", tmp)).rejects.toThrow(PathOutsideBlockError);
  });

  it("names the blob, container, account and service code of a missing blob", async () => {
    const block = new AzureBlobStorage(byConnectionString(`${azurite.container}/p`));
    const error = await block.readPath("nope.txt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureBlobError);
    expect((error as Error).message).toBe(
      `azure: cannot read blob "p/nope.txt" in container "${azurite.container}" of storage account "devstoreaccount1": BlobNotFound (HTTP 404)`,
    );
  });

  it("names a missing container", async () => {
    const block = new AzureBlobStorage(byConnectionString("no-such-container"));
    await expect(block.getDirectory(null, tmp)).rejects.toThrow(
      /container "no-such-container" .*ContainerNotFound \(HTTP 404\)/,
    );
  });
});

describe("wrong credentials", () => {
  // a key of the right shape that is not the account's (Azurite checks SharedKey signatures)
  const wrongKey = Buffer.from("not the account key at all, but 64 bytes long, as real ones are!").toString("base64");

  it("fails with the service's code and never the key (account name and key)", async () => {
    const block = new AzureBlobStorage({ ...byAccountKey(azurite.container), azure_storage_account_key: wrongKey });
    for (const attempt of [
      () => block.readPath("x"),
      () => block.writePath("x", "y"),
      () => block.getDirectory(null, tmp),
    ]) {
      const error = (await attempt().catch((e: unknown) => e)) as AzureBlobError;
      expect(error).toBeInstanceOf(AzureBlobError);
      expect(error.message).toMatch(
        /^azure: cannot \w+ .*container "ordo-test" of storage account "devstoreaccount1": (AuthorizationFailure|AuthenticationFailed) \(HTTP 403\)$/,
      );
      expect(error.message).not.toContain(wrongKey);
      // Azurite's code; the service answers AuthenticationFailed
      expect(error.code).toBe("AuthorizationFailure");
    }
  });

  it("never shows a connection string, even an unusable one", async () => {
    const bad = azurite.connectionString.replace(azurite.accountKey, wrongKey);
    const error = (await new AzureBlobStorage(byConnectionString(azurite.container))
      .readPath("x")
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("BlobNotFound");
    const refused = (await new AzureBlobStorage({
      bucket_path: azurite.container,
      azure_storage_connection_string: bad,
    })
      .readPath("x")
      .catch((e: unknown) => e)) as Error;
    expect(refused.message).toMatch(/AuthorizationFailure \(HTTP 403\)/);
    expect(refused.message).not.toContain(wrongKey);
    const garbled = `AccountName=devstoreaccount1;AccountKey=${wrongKey};BlobEndpoint=nonsense`;
    const unusable = (await new AzureBlobStorage({
      bucket_path: azurite.container,
      azure_storage_connection_string: garbled,
    })
      .readPath("x")
      .catch((e: unknown) => e)) as Error;
    expect(unusable.message).toMatch(/^azure: /);
    expect(unusable.message).not.toContain(wrongKey);
    expect(unusable.message).not.toContain(garbled);
  });
});

describe("steps", () => {
  const ctx = (directory: string, logs: string[]): StepContext => ({
    directory,
    log: (m) => logs.push(m),
    createBlock: <T>(slug: string, config: Record<string, unknown>) => {
      expect(slug).toBe("azure");
      return new AzureBlobStorage(config as AzureConfig) as T;
    },
  });
  const step = (name: string) => plugin.steps!.find((s) => s.name === name)!;

  it("push_to_azure_blob_storage then pull_from_azure_blob_storage round-trips a project", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, project);
    const logs: string[] = [];
    const pushed = await step("push_to_azure_blob_storage").run(
      { container: azurite.container, folder, credentials: { connection_string: azurite.connectionString } },
      ctx(src, logs),
    );
    expect(pushed).toEqual({ container: azurite.container, folder, files: uploaded.length });
    expect(await blobNames(`${folder}/`)).toEqual(uploaded.map((f) => `${folder}/${f}`));

    const run = path.join(tmp, "run");
    const pulled = await step("pull_from_azure_blob_storage").run(
      {
        container: azurite.container,
        folder,
        credentials: {
          account_name: azurite.accountName,
          account_key: azurite.accountKey,
          account_url: azurite.accountUrl,
        },
      },
      ctx(run, logs),
    );
    expect(pulled).toEqual({ container: azurite.container, folder, directory: run });
    expect(await listFiles(run)).toEqual(uploaded);
    expect(logs.join("\n")).not.toContain(azurite.accountKey);
  });

  it("push takes ignore_file", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, "other.ignore": "*.ts\n" });
    await step("push_to_azure_blob_storage").run(
      {
        container: azurite.container,
        folder,
        credentials: { connection_string: azurite.connectionString },
        ignore_file: "other.ignore",
      },
      ctx(src, []),
    );
    expect((await blobNames(`${folder}/`)).some((b) => b.endsWith(".ts"))).toBe(false);
  });

  it("refuses unknown credential keys by name only, and a container with a slash", async () => {
    const pull = step("pull_from_azure_blob_storage");
    await expect(
      pull.run({ container: "c", folder: "f", credentials: { sas_token: "s3cr3t" } }, ctx(tmp, [])),
    ).rejects.toThrow(/^credentials\.sas_token is not supported/);
    await expect(
      pull.run({ container: "c", folder: "f", credentials: { sas_token: "s3cr3t" } }, ctx(tmp, [])),
    ).rejects.not.toThrow(/s3cr3t/);
    await expect(pull.run({ container: "c/d", folder: "f", credentials: {} }, ctx(tmp, []))).rejects.toThrow(
      /container must be/,
    );
    await expect(pull.run({ container: "c", folder: "f", credentials: "x" }, ctx(tmp, []))).rejects.toThrow(
      /credentials must be an object/,
    );
  });
});
