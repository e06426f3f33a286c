// The pure parts of `ordo deployment`, without a server: override and storage-slug syntax, schedule
// flags, the file set and its hash, and deployment.yaml written so that apply reads it back.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseYaml, documentProblems } from "../../src/cli/common/yaml-file.js";
import { expandDotKeys, overridesToJobVariables } from "../../src/cli/deployment/job-variables.js";
import { scheduleFromFlags, scheduleInput } from "../../src/cli/deployment/schedules.js";
import {
  deploymentFileSchema,
  renderDeploymentFile,
  DO_NOT_EDIT,
  type DeploymentFile,
} from "../../src/cli/deployment/spec-files.js";
import { hashFiles, listUploadFiles, parseStorageRef, withSubPath } from "../../src/cli/deployment/upload.js";
import { inlineSlug } from "../../src/cli/deployment/blocks.js";

describe("--override", () => {
  it("nests dotted keys and keeps values as strings", () => {
    expect(overridesToJobVariables(["env.KEY=a=b", "env.OTHER=1", "command=run"])).toEqual({
      env: { KEY: "a=b", OTHER: "1" },
      command: "run",
    });
    expect(expandDotKeys({ "env.A": "1", env: { B: "2" } }, "x")).toEqual({ env: { A: "1", B: "2" } });
  });

  it.each(["env", "=x", ".env=x", "env..KEY=x", "env.=x", "a b=c"])("refuses %s", (raw) => {
    expect(() => overridesToJobVariables([raw])).toThrow(/--override takes a dotted key=value/);
  });

  it("refuses a key that is both a value and a parent", () => {
    expect(() => overridesToJobVariables(["env=x", "env.KEY=y"])).toThrow(/"env" is already set to a value/);
  });
});

describe("storage slugs", () => {
  it("splits type/name from the path inside the block", () => {
    expect(parseStorageRef("local-file-system/code")).toEqual({
      block: "local-file-system/code",
      path: null,
      slug: "local-file-system/code",
    });
    expect(withSubPath(parseStorageRef("s3/bucket/team/"), "/etl")).toEqual({
      block: "s3/bucket",
      path: "team/etl",
      slug: "s3/bucket/team/etl",
    });
  });

  it.each(["code", "a//b", "a/../b", "/a/b"])("refuses %s", (raw) => {
    expect(() => parseStorageRef(raw, "-sb")).toThrow(/-sb takes block-type\/block-name/);
  });

  it("names an inline block after its content, whatever the key order", () => {
    expect(inlineSlug({ type: "process", env: { A: "1" }, command: ["x"] })).toBe(
      inlineSlug({ command: ["x"], env: { A: "1" }, type: "process" }),
    );
    expect(inlineSlug({ type: "process", env: { A: "2" } })).not.toBe(inlineSlug({ type: "process", env: { A: "1" } }));
  });
});

describe("schedule flags", () => {
  it("make one file entry", () => {
    expect(scheduleFromFlags({})).toBeNull();
    expect(scheduleFromFlags({ cron: "0 9 * * *", timezone: "Europe/Berlin" })).toEqual({
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
    });
    expect(scheduleFromFlags({ interval: "1h", anchorDate: "2024-01-01T09:00", timezone: "Europe/Berlin" })).toEqual({
      interval: 3600,
      anchor_date: "2024-01-01T08:00:00.000Z",
      timezone: "Europe/Berlin",
    });
  });

  it("refuse combinations that mean nothing", () => {
    expect(() => scheduleFromFlags({ cron: "* * * * *", rrule: "FREQ=DAILY" })).toThrow(
      /give one of --cron, --interval and --rrule/,
    );
    expect(() => scheduleFromFlags({ timezone: "UTC" })).toThrow(/go with --cron, --interval or --rrule/);
    expect(() => scheduleFromFlags({ cron: "* * * * *", anchorDate: "2024-01-01" })).toThrow(
      /--anchor-date goes with --interval only/,
    );
    expect(() => scheduleFromFlags({ interval: "soon" })).toThrow(/--interval must be a positive number/);
  });

  it("read intervals as seconds, ISO durations or 12h", () => {
    const seconds = (interval: number | string) =>
      (scheduleInput({ interval }, "x").schedule.interval as { interval: number }).interval;
    expect([seconds(90), seconds("PT12H"), seconds("P1W"), seconds("12h")]).toEqual([90, 43_200, 604_800, 43_200]);
  });
});

describe("the uploaded file set", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ordo-upload-set-"));
    await mkdir(path.join(dir, "src/node_modules/x"), { recursive: true });
    await mkdir(path.join(dir, "node_modules/dep"), { recursive: true });
    await writeFile(path.join(dir, "flow.ts"), "export {};\n");
    await writeFile(path.join(dir, "src/node_modules/x/index.js"), "\n");
    await writeFile(path.join(dir, "node_modules/dep/index.js"), "\n");
    await writeFile(path.join(dir, "hello-deployment.yaml"), "name: x\n");
    await writeFile(path.join(dir, "my [draft].txt"), "\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("uses the default rules without an .ordoignore, and leaves out what it is told to", async () => {
    expect(await listUploadFiles(dir)).toEqual(["flow.ts", "my [draft].txt"]);
    expect(await listUploadFiles(dir, { exclude: ["my [draft].txt"] })).toEqual(["flow.ts"]);
  });

  it("follows .ordoignore when there is one, and hashes paths and contents", async () => {
    await writeFile(path.join(dir, ".ordoignore"), "*.txt\n");
    const files = await listUploadFiles(dir);
    expect(files).toEqual([
      ".ordoignore",
      "flow.ts",
      "hello-deployment.yaml",
      "node_modules/dep/index.js",
      "src/node_modules/x/index.js",
    ]);
    const hash = await hashFiles(dir, files);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(await hashFiles(dir, files)).toBe(hash);
    await writeFile(path.join(dir, "flow.ts"), "export const changed = 1;\n");
    expect(await hashFiles(dir, files)).not.toBe(hash);
  });
});

describe("deployment.yaml", () => {
  it("is written with the do-not-edit line and read back as it was", () => {
    const file: DeploymentFile = {
      name: "daily",
      description: "Says: hello # not a comment",
      version: "0123",
      work_pool_name: "local",
      work_queue_name: null,
      tags: ["a"],
      parameters: { name: "Marvin", nested: { list: [1, "2"] } },
      schedules: [{ cron: "0 9 * * *", timezone: "Europe/Berlin" }],
      job_variables: { env: { KEY: "yes" } },
      infrastructure: { type: "process" },
      flow_name: "hello world",
      entrypoint: "flows/hello.ts:hello",
      path: null,
      storage: "local-file-system/code/hello",
      parameter_openapi_schema: { type: "object", properties: {} },
    };
    const text = renderDeploymentFile(file);
    const [editable, fixed] = text.split(DO_NOT_EDIT);
    expect(editable).toContain("work_pool_name: local");
    expect(fixed).toContain("entrypoint: flows/hello.ts:hello");
    const [doc] = parseYaml("d.yaml", text);
    expect(doc!.value).toEqual(file);
    expect(documentProblems(doc!, deploymentFileSchema)).toEqual([]);
  });
});
