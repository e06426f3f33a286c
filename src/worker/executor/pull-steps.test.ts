// Pull steps without a server: names (Prefect's, ours, bare), step outputs in templates, the
// deployment's mistakes named by index, and entrypoint parsing. Clones and storage run in the e2e test.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readFile, writeFile } from "node:fs/promises";
import { container as rootContainer } from "tsyringe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BlockRegistry, defineBlockType, definePlugin, storageSteps, type GetDirectory } from "../../blocks/index.js";
import { parseEntrypoint } from "./entrypoint.js";
import { runPullSteps, type PullContext } from "./pull-steps.js";
import type { StorageBlocks } from "./storage.js";

let tmp: string;
let ctx: PullContext;
const getDirectory = vi.fn(async () => {});

/** A plugin with a storage block that writes one file, and its pull_from_fake step. */
class Fake implements GetDirectory {
  constructor(readonly config: { bucket: string }) {}
  async getDirectory(from: string | null, localPath: string): Promise<void> {
    await writeFile(path.join(localPath, "pulled.txt"), `${this.config.bucket}:${from}`);
  }
}
const plugins = new BlockRegistry();
plugins.register(
  definePlugin({
    name: "fake",
    blockTypes: [
      defineBlockType({
        slug: "fake",
        name: "Fake",
        schema: { type: "object", properties: { bucket: { type: "string" } }, required: ["bucket"] } as const,
        capabilities: ["get-directory"],
        implementation: Fake,
      }),
    ],
    steps: storageSteps({
      blockType: "fake",
      pull: { name: "pull_from_fake" },
      args: ["bucket", "folder"],
      required: ["bucket"],
      locate: (a) => ({
        config: { bucket: a.bucket },
        folder: (a.folder as string) ?? null,
        outputs: { bucket: a.bucket },
      }),
    }),
  }),
);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-pull-"));
  await mkdir(path.join(tmp, "a/b"), { recursive: true });
  const storage = {
    getDirectory,
    plugins: async () => plugins,
    blockContainer: () => rootContainer.createChildContainer(),
  };
  ctx = { directory: tmp, storage: storage as unknown as StorageBlocks, log: () => {} };
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("runPullSteps", () => {
  it("runs a plugin's pull step under its Prefect-style name, building its block from the arguments", async () => {
    const steps = [
      { "prefect_fake.deployments.steps.pull_from_fake": { id: "got", bucket: "b1", folder: "f" } },
      { set_working_directory: { directory: "{{ got.directory }}" } },
    ];
    expect(await runPullSteps(steps, ctx)).toBe(tmp);
    expect(await readFile(path.join(tmp, "pulled.txt"), "utf8")).toBe("b1:f");
    await expect(runPullSteps([{ pull_from_fake: { folder: "f" } }], ctx)).rejects.toThrow(
      "pullSteps[0].pull_from_fake: bucket must be a non-empty string",
    );
    await expect(runPullSteps([{ pull_from_fake: { bucket: "b", nope: 1 } }], ctx)).rejects.toThrow(
      "unknown argument nope (accepted: bucket, folder)",
    );
  });

  it("ends in the last directory a step output; relative directories resolve against the current one", async () => {
    const steps = [
      { "prefect.deployments.steps.set_working_directory": { directory: "a" } },
      { "ordo.deployments.steps.set_working_directory": { directory: "b" } },
    ];
    expect(await runPullSteps(steps, ctx)).toBe(path.join(tmp, "a/b"));
    expect(await runPullSteps([], ctx)).toBe(tmp);
  });

  it("fills {{ step-id.key }}, {{ key }} and {{ $ENV }} from earlier outputs and the environment", async () => {
    process.env.ORDO_TEST_SUBDIR = "b";
    const steps = [
      { set_working_directory: { id: "first", directory: "a", requires: "ignored" } },
      { set_working_directory: { directory: "{{ first.directory }}/{{ $ORDO_TEST_SUBDIR }}" } },
      { pull_from_storage: { block: "local-file-system/code", path: "sub" } },
      { "prefect.deployments.steps.pull_with_block": { block_type_slug: "s3", block_document_name: "bucket" } },
    ];
    try {
      expect(await runPullSteps(steps, ctx)).toBe(path.join(tmp, "a/b"));
    } finally {
      delete process.env.ORDO_TEST_SUBDIR;
    }
    expect(getDirectory).toHaveBeenNthCalledWith(1, "local-file-system/code", "sub", path.join(tmp, "a/b"));
    expect(getDirectory).toHaveBeenNthCalledWith(2, "s3/bucket", null, path.join(tmp, "a/b"));
  });

  it("resolves block references at run time (ordo deploy leaves them there)", async () => {
    const blockData = vi.fn(async (slug: string) => (slug === "local-file-system/code" ? { basePath: tmp } : null));
    const steps = [{ set_working_directory: { directory: "{{ ordo.blocks.local-file-system.code.basePath }}/a" } }];
    expect(await runPullSteps(steps, { ...ctx, blockData })).toBe(path.join(tmp, "a"));
    const missing = [{ set_working_directory: { directory: "{{ prefect.blocks.local-file-system.gone.basePath }}" } }];
    await expect(runPullSteps(missing, { ...ctx, blockData })).rejects.toThrow(
      /pullSteps\[0\]\.set_working_directory: .*no block document local-file-system\/gone/,
    );
  });

  it.each([
    [{ steps: "nope" }, /pullSteps must be a list/],
    [[{ a: {}, b: {} }], /pullSteps\[0\]: a step is a one-key object/],
    [
      [{ "prefect.deployments.steps.run_shell_script": { script: "x" } }],
      /unknown step "prefect.deployments.steps.run_shell_script"/,
    ],
    [[{ set_working_directory: { directory: "a", oops: 1 } }], /unknown argument oops/],
    [[{ git_clone: {} }], /pullSteps\[0\]\.git_clone: repository must be a non-empty string/],
    [
      [{ set_working_directory: { directory: "{{ clone.directory }}" } }],
      /\{\{ clone.directory \}\} is not an output of an earlier step/,
    ],
    [
      [{ set_working_directory: { directory: "missing" } }],
      /pullSteps\[0\] \(set_working_directory\) failed: .*missing is not a directory/,
    ],
  ])("names the mistake: %j", async (steps, message) => {
    await expect(runPullSteps(steps, ctx)).rejects.toThrow(message);
  });
});

describe("parseEntrypoint", () => {
  it("splits at the last colon", () => {
    expect(parseEntrypoint("flows/etl.ts:main")).toEqual({ file: "flows/etl.ts", exportName: "main" });
    expect(parseEntrypoint("C:/flows/etl.ts:main")).toEqual({ file: "C:/flows/etl.ts", exportName: "main" });
  });

  it.each(["flows/etl.ts", ":main", "etl.ts:", "etl.ts:not-an-identifier"])("rejects %s", (e) => {
    expect(() => parseEntrypoint(e)).toThrow(/must be path\/to\/file.ts:exportName/);
  });
});
