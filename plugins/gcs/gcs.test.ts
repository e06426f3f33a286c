// The gcs block and its steps through the real @google-cloud/storage client against a loopback
// JSON-API server (test-server.ts): round trips, what went over the wire (paths, queries, bearer
// tokens from the key's token_uri), .ordoignore, paging, refused keys, and names that climb.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Storage } from "@google-cloud/storage";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import { PathOutsideBlockError, type StepContext } from "ordo/blocks-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import plugin, { GcsError, GcsStorage, gcsSchema, scrub, type GcsConfig } from "./index.js";
import { startGcsTestServer, type GcsTestServer } from "./test-server.js";

// ajv-formats is CommonJS with a default export: under NodeNext its default import is the module object
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ??
  addFormatsImport) as typeof import("ajv-formats").default;

/** requires a bearer token its /token issued, as GCS does */
let secured: GcsTestServer;
/** takes unauthenticated requests, as an emulator does */
let open: GcsTestServer;
let tmp: string;
let n = 0;
const savedMetadataHost = process.env.GCE_METADATA_HOST;

beforeAll(async () => {
  secured = await startGcsTestServer({ requireAuth: true });
  open = await startGcsTestServer({ maxPageSize: 1000 });
  // a stray look-up of the GCE metadata server (Application Default Credentials) lands here, recorded
  process.env.GCE_METADATA_HOST = new URL(open.endpoint).host;
}, 30_000);

afterAll(async () => {
  if (savedMetadataHost === undefined) delete process.env.GCE_METADATA_HOST;
  else process.env.GCE_METADATA_HOST = savedMetadataHost;
  await secured?.stop();
  await open?.stop();
});

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-gcs-"));
  return () => rm(tmp, { recursive: true, force: true });
});

const fresh = () => `t${++n}`;

const withKey = (bucketPath: string, info: unknown = JSON.stringify(secured.serviceAccount)): GcsConfig =>
  ({ bucket_path: bucketPath, service_account_info: info, api_endpoint: secured.endpoint }) as GcsConfig;
const anonymous = (bucketPath: string): GcsConfig => ({ bucket_path: bucketPath, api_endpoint: open.endpoint });

const names = (server: GcsTestServer, prefix: string) =>
  [...server.objects.get(server.bucket)!.keys()].filter((k) => k.startsWith(prefix)).sort();
/** the requests made while `work` ran */
async function recorded(server: GcsTestServer, work: () => Promise<unknown>) {
  const from = server.requests.length;
  await work();
  return server.requests.slice(from);
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
  it("declares the gcs storage type, its secret and prefect_gcp's steps", () => {
    const [type] = plugin.blockTypes;
    expect(type).toMatchObject({
      slug: "gcs",
      capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
    });
    expect(gcsSchema.properties.service_account_info.writeOnly).toBe(true);
    expect(plugin.steps?.map((s) => [s.name, s.kind, s.required, s.secretArgs])).toEqual([
      ["pull_from_gcs", "pull", ["bucket", "folder"], ["credentials"]],
      ["push_to_gcs", "push", ["bucket", "folder"], ["credentials"]],
    ]);
  });

  it("has a schema strict Ajv compiles, taking the key as a JSON string or an object", () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(gcsSchema);
    expect(
      validate({ bucket_path: "b/p", service_account_info: JSON.stringify(secured.serviceAccount), project: "p" }),
    ).toBe(true);
    expect(validate({ bucket_path: "b", service_account_info: secured.serviceAccount })).toBe(true);
    expect(validate({ bucket_path: "b", api_endpoint: "http://127.0.0.1:1" })).toBe(true);
    expect(validate({ bucket_path: "b", service_account_info: { client_email: "x" } })).toBe(false);
    expect(validate({ bucket_path: "b", api_endpoint: "not a url" })).toBe(false);
    expect(validate({ bucket_path: "/p" })).toBe(false);
  });

  it("refuses a key that is not JSON without quoting it", () => {
    const text = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----";
    expect(() => new GcsStorage({ bucket_path: "b", service_account_info: text })).toThrow(
      'gcs: service_account_info is not valid JSON (paste the key file\'s content) (bucket "b")',
    );
    expect(() => new GcsStorage({ bucket_path: "b", service_account_info: { client_email: "x" } as never })).toThrow(
      /has no private_key/,
    );
  });

  it("scrubs keys and tokens out of messages", () => {
    const text = scrub(
      `key ${secured.serviceAccount.private_key} header Bearer ya29.abc ?access_token=zz&x=1 and s3cr3t-value`,
      ["s3cr3t-value"],
    );
    expect(text).not.toMatch(/PRIVATE KEY|ya29|zz&|s3cr3t/);
  });
});

describe("authentication on the wire", () => {
  it("exchanges a JWT signed with the key at its token_uri, once, and sends the bearer token", async () => {
    const block = new GcsStorage(withKey(`${secured.bucket}/${fresh()}`));
    const wire = await recorded(secured, async () => {
      await block.writePath("a/b.txt", "hello");
      expect((await block.readPath("a/b.txt")).toString()).toBe("hello");
    });
    expect(wire.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /token",
      `POST /upload/storage/v1/b/${secured.bucket}/o`,
      `GET /storage/v1/b/${secured.bucket}/o/${encodeURIComponent(`t${n}/a/b.txt`)}`,
    ]);
    expect(wire[1]!.query).toMatchObject({ uploadType: "multipart", name: `t${n}/a/b.txt` });
    expect(wire[2]!.query).toMatchObject({ alt: "media" });
    for (const r of wire.slice(1)) {
      const token = /^Bearer (.+)$/.exec(r.authorization ?? "")?.[1];
      expect(token && secured.issuedTokens.has(token)).toBe(true);
    }
  });

  it("takes the key as an object too", async () => {
    const block = new GcsStorage(withKey(secured.bucket, secured.serviceAccount));
    await block.writePath(`${fresh()}/x.txt`, "x");
    expect(names(secured, `t${n}/`)).toEqual([`t${n}/x.txt`]);
  });

  it("sends no credentials, and asks no metadata server, without a key on a custom endpoint", async () => {
    const block = new GcsStorage(anonymous(`${open.bucket}/${fresh()}`));
    const started = Date.now();
    const wire = await recorded(open, async () => {
      await block.writePath("x.txt", "x");
      await block.readPath("x.txt");
      await block.getDirectory(null, path.join(tmp, "out"));
    });
    expect(Date.now() - started).toBeLessThan(5000);
    const object = `/storage/v1/b/${open.bucket}/o/${encodeURIComponent(`t${n}/x.txt`)}`;
    expect(wire.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /upload/storage/v1/b/${open.bucket}/o`,
      `GET ${object}`,
      `GET /storage/v1/b/${open.bucket}/o`,
      `GET ${object}`,
    ]);
    expect(wire.map((r) => r.authorization)).toEqual([undefined, undefined, undefined, undefined]);
    expect(open.requests.some((r) => r.path.startsWith("/computeMetadata"))).toBe(false);
  });

  it("refuses a wrong key with the token endpoint's answer, never the key", async () => {
    const block = new GcsStorage(withKey(secured.bucket, JSON.stringify(secured.wrongServiceAccount)));
    for (const attempt of [
      () => block.readPath("x"),
      () => block.writePath("x", "y"),
      () => block.getDirectory(null, tmp),
      () => block.putDirectory(tmp, "d"),
    ]) {
      await writeFile(path.join(tmp, "f.txt"), "f");
      const error = (await attempt().catch((e: unknown) => e)) as GcsError;
      expect(error).toBeInstanceOf(GcsError);
      expect(error.message).toMatch(
        new RegExp(
          `^gcs: cannot \\w+ .*bucket "${secured.bucket}": gcs: service account ordo-test@ordo-test-project\\.iam\\.gserviceaccount\\.com at ${secured.tokenUri} refused the key \\(HTTP 400, invalid_grant: Invalid JWT Signature\\.\\)$`,
        ),
      );
      expect(error.message).not.toContain(secured.wrongServiceAccount.private_key.split("\n")[1]);
      expect(error.message).not.toContain("PRIVATE KEY");
    }
  });

  it("names a refused token (HTTP 401) with the bucket and object", async () => {
    // the open server accepts anonymous requests but checks any bearer token it is sent
    const block = new GcsStorage({
      bucket_path: open.bucket,
      api_endpoint: open.endpoint,
      service_account_info: secured.serviceAccount,
    });
    const error = (await block.readPath("x.txt").catch((e: unknown) => e)) as GcsError;
    // the token came from the secured server's token_uri: the open server never issued it
    expect(error.message).toBe(
      `gcs: cannot read object "x.txt" in bucket "${open.bucket}": HTTP 401 authError: Invalid Credentials`,
    );
    expect(error.status).toBe(401);
  });
});

describe("put and get directory", () => {
  it("uploads a folder honouring .ordoignore, and downloads it whole and by sub-folder", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, project);
    const block = new GcsStorage(withKey(`${secured.bucket}/${folder}`));
    expect(await block.putDirectory(src, "v1")).toEqual({ files: uploaded.length });
    expect(names(secured, `${folder}/`)).toEqual(uploaded.map((f) => `${folder}/v1/${f}`));
    expect(secured.objects.get(secured.bucket)!.get(`${folder}/v1/lib/util.ts`)!.content.toString()).toBe("export {};");

    const wire = await recorded(secured, () => block.getDirectory("v1", path.join(tmp, "whole")));
    expect(wire[0]).toMatchObject({
      method: "GET",
      path: `/storage/v1/b/${secured.bucket}/o`,
      query: { prefix: `${folder}/v1/` },
    });
    expect(await listFiles(path.join(tmp, "whole"))).toEqual(uploaded);
    expect(await readFile(path.join(tmp, "whole/lib/util.ts"), "utf8")).toBe("export {};");
    await block.getDirectory("v1/lib", path.join(tmp, "lib"));
    expect(await listFiles(path.join(tmp, "lib"))).toEqual(["util.ts"]);
    await block.getDirectory(null, path.join(tmp, "root"));
    expect(await listFiles(path.join(tmp, "root"))).toEqual(uploaded.map((f) => `v1/${f}`));
  });

  it("takes a named ignore file, and fails when a named one is missing", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, "deploy.ignore": "lib\n*.csv\n" });
    const block = new GcsStorage(anonymous(open.bucket));
    await block.putDirectory(src, folder, "deploy.ignore");
    const stored = names(open, `${folder}/`);
    expect(stored).toContain(`${folder}/flow.ts`);
    expect(stored.some((b) => b.includes("/lib/") || b.endsWith(".csv"))).toBe(false);
    await expect(block.putDirectory(src, fresh(), "missing.ignore")).rejects.toThrow(/ENOENT/);
  });

  it("follows pageToken through every page of a listing", async () => {
    const folder = fresh();
    const block = new GcsStorage(anonymous(`${open.bucket}/${folder}`));
    for (let i = 0; i < 7; i++) await block.writePath(`f${i}.txt`, String(i));
    class SmallPages extends GcsStorage {
      protected override listPageSize = 3;
    }
    const wire = await recorded(open, () =>
      new SmallPages(anonymous(`${open.bucket}/${folder}`)).getDirectory(null, path.join(tmp, "out")),
    );
    const lists = wire.filter((r) => r.path === `/storage/v1/b/${open.bucket}/o`);
    expect(lists.map((r) => [r.query.maxResults, r.query.pageToken !== undefined])).toEqual([
      ["3", false],
      ["3", true],
      ["3", true],
    ]);
    expect(await listFiles(path.join(tmp, "out"))).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `f${i}.txt`));
    expect(await readFile(path.join(tmp, "out/f6.txt"), "utf8")).toBe("6");
  });

  it("refuses an object whose name climbs out of the target folder, writing nothing", async () => {
    const folder = fresh();
    const raw = new Storage({ apiEndpoint: open.endpoint }).bucket(open.bucket);
    await raw.file(`${folder}/code/a.txt`).save("a", { resumable: false });
    await raw.file(`${folder}/code/../../escaped.txt`).save("evil", { resumable: false });
    expect(names(open, `${folder}/`)).toContain(`${folder}/code/../../escaped.txt`);
    const block = new GcsStorage(anonymous(`${open.bucket}/${folder}`));
    const out = path.join(tmp, "run", "checkout");
    await expect(block.getDirectory("code", out)).rejects.toThrow(PathOutsideBlockError);
    expect(existsSync(path.join(tmp, "escaped.txt"))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses paths above the prefix", async () => {
    const block = new GcsStorage(anonymous(`${open.bucket}/${fresh()}`));
    await expect(block.readPath("../x")).rejects.toThrow(PathOutsideBlockError);
    await expect(block.writePath("a/../../x", "x")).rejects.toThrow(PathOutsideBlockError);
    await expect(block.getDirectory("..", tmp)).rejects.toThrow(PathOutsideBlockError);
  });

  it("names the object, bucket and service reason of a missing object or bucket", async () => {
    const error = (await new GcsStorage(anonymous(`${open.bucket}/p`))
      .readPath("nope.txt")
      .catch((e: unknown) => e)) as GcsError;
    expect(error.message).toBe(
      `gcs: cannot read object "p/nope.txt" in bucket "${open.bucket}": HTTP 404 notFound: No such object: ${open.bucket}/p/nope.txt`,
    );
    await expect(new GcsStorage(anonymous("no-such-bucket")).getDirectory(null, tmp)).rejects.toThrow(
      /^gcs: cannot list bucket "no-such-bucket": HTTP 404/,
    );
  });
});

describe("steps", () => {
  const ctx = (directory: string, logs: string[]): StepContext => ({
    directory,
    log: (m) => logs.push(m),
    createBlock: <T>(slug: string, config: Record<string, unknown>) => {
      expect(slug).toBe("gcs");
      return new GcsStorage(config as GcsConfig) as T;
    },
  });
  const step = (name: string) => plugin.steps!.find((s) => s.name === name)!;

  it("push_to_gcs then pull_from_gcs round-trips a project with a service account key", async () => {
    const folder = fresh();
    const src = path.join(tmp, "project");
    await writeTree(src, project);
    const logs: string[] = [];
    const credentials = { service_account_info: JSON.stringify(secured.serviceAccount), project: "ordo-test-project" };
    const pushed = await step("push_to_gcs").run(
      { bucket: secured.bucket, folder, credentials, api_endpoint: secured.endpoint },
      ctx(src, logs),
    );
    expect(pushed).toEqual({ bucket: secured.bucket, folder, files: uploaded.length });
    expect(names(secured, `${folder}/`)).toEqual(uploaded.map((f) => `${folder}/${f}`));

    const run = path.join(tmp, "run");
    const pulled = await step("pull_from_gcs").run(
      {
        bucket: secured.bucket,
        folder,
        credentials: { service_account_info: secured.serviceAccount },
        api_endpoint: secured.endpoint,
      },
      ctx(run, logs),
    );
    expect(pulled).toEqual({ bucket: secured.bucket, folder, directory: run });
    expect(await listFiles(run)).toEqual(uploaded);
    expect(logs.join("\n")).not.toContain("PRIVATE KEY");
  });

  it("reads credentials.service_account_file, and refuses unknown credential keys by name only", async () => {
    const keyFile = path.join(tmp, "key.json");
    await writeFile(keyFile, JSON.stringify(secured.serviceAccount));
    const folder = fresh();
    await writeTree(path.join(tmp, "p"), { "a.txt": "a" });
    await step("push_to_gcs").run(
      {
        bucket: secured.bucket,
        folder,
        credentials: { service_account_file: keyFile },
        api_endpoint: secured.endpoint,
      },
      ctx(path.join(tmp, "p"), []),
    );
    expect(names(secured, `${folder}/`)).toEqual([`${folder}/a.txt`]);
    const pull = step("pull_from_gcs");
    await expect(
      pull.run({ bucket: "b", folder: "f", credentials: { token: "s3cr3t" } }, ctx(tmp, [])),
    ).rejects.toThrow(/^credentials\.token is not supported/);
    await expect(
      pull.run({ bucket: "b", folder: "f", credentials: { token: "s3cr3t" } }, ctx(tmp, [])),
    ).rejects.not.toThrow(/s3cr3t/);
    await expect(pull.run({ bucket: "b/c", folder: "f" }, ctx(tmp, []))).rejects.toThrow(/bucket must be/);
  });
});
