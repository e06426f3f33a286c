// Pull steps without a server: names (Prefect's, ours, bare), step outputs in templates, the
// deployment's mistakes named by index, and entrypoint parsing. Clones and storage run in the e2e test.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEntrypoint } from "./entrypoint.js";
import { runPullSteps, type PullContext } from "./pull-steps.js";
import type { StorageBlocks } from "./storage.js";

let tmp: string;
let ctx: PullContext;
const getDirectory = vi.fn(async () => {});

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-pull-"));
  await mkdir(path.join(tmp, "a/b"), { recursive: true });
  ctx = { directory: tmp, storage: { getDirectory } as unknown as StorageBlocks, log: () => {} };
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("runPullSteps", () => {
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
    await expect(runPullSteps(missing, { ...ctx, blockData })).rejects.toThrow(/pullSteps\[0\]\.set_working_directory: .*no block document local-file-system\/gone/);
  });

  it.each([
    [{ steps: "nope" }, /pullSteps must be a list/],
    [[{ a: {}, b: {} }], /pullSteps\[0\]: a step is a one-key object/],
    [[{ "prefect.deployments.steps.run_shell_script": { script: "x" } }], /unknown step "prefect.deployments.steps.run_shell_script"/],
    [[{ set_working_directory: { directory: "a", oops: 1 } }], /unknown argument oops/],
    [[{ git_clone: {} }], /pullSteps\[0\]\.git_clone: repository must be a non-empty string/],
    [[{ set_working_directory: { directory: "{{ clone.directory }}" } }], /\{\{ clone.directory \}\} is not an output of an earlier step/],
    [[{ set_working_directory: { directory: "missing" } }], /pullSteps\[0\] \(set_working_directory\) failed: .*missing is not a directory/],
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
