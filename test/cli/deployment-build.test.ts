// `ordo deployment build` end to end with the real binary: the upload to a local-file-system block
// (minus .ordoignore), deployment.yaml, --apply, idempotent re-builds, then `run --watch` through a
// real worker on a process pool with --override env reaching the flow, `execute`, and bad input.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerProcess } from "../harness/worker-process.js";
import { cliWorld, filesUnder, oneLineFailure, type CliWorld } from "./deployment-setup.js";
import { graphql } from "../harness/documents.js";

let w: CliWorld;

beforeAll(async () => {
  w = await cliWorld("deployment-hello");
  await w.t.ok(graphql(`mutation { createWorkPool(input: { name: "cli-pool", type: "process" }) { id } }`));
});

afterAll(async () => {
  await WorkerProcess.killAll();
  await w?.close();
});

const BUILD = [
  "deployment",
  "build",
  "flows/hello.ts:hello",
  "-n",
  "dev",
  "-sb",
  "local-file-system/code/hello",
  "-p",
  "cli-pool",
  "--override",
  "env.GREETING=howdy",
  "--cron",
  "0 9 * * *",
  "--timezone",
  "Europe/Berlin",
  "-t",
  "cli",
  "--param",
  "name=Ada",
  "--apply",
];

async function deploymentView(slug: string) {
  const r = await w.t.ok(
    graphql(`query($slug: String!) { deployment(slug: $slug) { id version description entrypoint path storagePath storageDocument { slug } jobVariables parameters tags parameterOpenapiSchema workPool { name }
      schedules { id schedule { ... on CronSchedule { cron timezone } } } flowRuns(first: 100) { totalCount } } }`),
    { slug },
  );
  return r.deployment;
}

async function runLogs(id: string): Promise<string[]> {
  const r = await w.t.ok(
    graphql(`query($id: ID!) { logs(flowRunId: $id, first: 200) { edges { node { message } } } }`),
    { id },
  );
  return r.logs.edges.map((e: { node: { message: string } }) => e.node.message);
}

describe("ordo deployment build", () => {
  it("uploads the folder minus .ordoignore, writes deployment.yaml with the do-not-edit line, and applies it", async () => {
    const r = await w.run(BUILD);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Uploaded 3 files to local-file-system\/code\/hello/);
    // the helper module travels with the flow; secrets/ and *.tmp do not, nor the YAML being written
    expect(await filesUnder(path.join(w.store, "hello"))).toEqual([".ordoignore", "flows/hello.ts", "lib/greet.ts"]);

    const text = await readFile(path.join(w.project, "hello-deployment.yaml"), "utf8");
    const [editable, fixed] = text.split("### DO NOT EDIT BELOW THIS LINE");
    expect(editable).toMatch(/^name: dev$/m);
    expect(editable).toMatch(/^work_pool_name: cli-pool$/m);
    expect(fixed).toMatch(/^flow_name: hello-world$/m);
    expect(fixed).toMatch(/^entrypoint: flows\/hello.ts:hello$/m);
    const yaml = parse(text);
    expect(yaml.version).toMatch(/^[0-9a-f]{32}$/);
    expect(yaml).toMatchObject({
      description: "Says hello",
      tags: ["cli"],
      parameters: { name: "Ada" },
      job_variables: { env: { GREETING: "howdy" } },
      storage: "local-file-system/code/hello",
      path: null,
    });

    const d = await deploymentView("hello-world/dev");
    expect(d).toMatchObject({
      version: yaml.version,
      description: "Says hello",
      entrypoint: "flows/hello.ts:hello",
      storageDocument: { slug: "local-file-system/code" },
      storagePath: "hello",
      jobVariables: { env: { GREETING: "howdy" } },
      parameters: { name: "Ada" },
      tags: ["cli"],
      parameterOpenapiSchema: { type: "object", properties: { name: { type: "string" } } },
      workPool: { name: "cli-pool" },
      schedules: [{ schedule: { cron: "0 9 * * *", timezone: "Europe/Berlin" } }],
    });
  });

  it("changes nothing when re-run with nothing changed: same version, same schedule ids, no new runs", async () => {
    await w.t.app.services.scheduling.schedule();
    const before = await deploymentView("hello-world/dev");
    const again = await w.json<{
      version: string;
      applied: Array<{ status: string; schedules: Array<{ id: string }> }>;
    }>(BUILD);
    expect(again.version).toBe(before.version);
    expect(again.applied[0]!.status).toBe("unchanged");
    expect(again.applied[0]!.schedules.map((s) => s.id)).toEqual(before.schedules.map((s: { id: string }) => s.id));
    // applying the written file is the same again
    const applied = await w.run(["deployment", "apply", "hello-deployment.yaml"]);
    expect(applied.stdout).toMatch(/hello-world\/dev .* unchanged /);
    await w.t.app.services.scheduling.schedule();
    const after = await deploymentView("hello-world/dev");
    expect(after.version).toBe(before.version);
    expect(after.schedules).toEqual(before.schedules);
    expect(after.flowRuns.totalCount).toBe(before.flowRuns.totalCount);
  });

  it("gives a new version when an uploaded file changes, and not for an ignored one", async () => {
    const before = (await deploymentView("hello-world/dev")).version;
    await writeFile(path.join(w.project, "scratch.tmp"), "changed, but ignored");
    const ignored = await w.json<{ version: string }>(BUILD);
    expect(ignored.version).toBe(before);
    await writeFile(path.join(w.project, "lib/extra.ts"), "export const extra = 1;\n");
    const changed = await w.json<{ version: string }>(BUILD);
    expect(changed.version).not.toBe(before);
  });
});

describe("ordo deployment run --watch, through a worker", () => {
  it("prints the run's states as they come and exits 0 when it COMPLETED; the --override env reached the flow", async () => {
    new WorkerProcess(w.url, ["--pool", "cli-pool", "--poll-seconds", "1"]);
    const r = await w.run(["deployment", "run", "hello-world/dev", "--param", "name=Grace", "--watch"]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const states = r.stdout.split("\n").flatMap((l) => /^\S+ \S+Z {2}([A-Z]+)/.exec(l)?.[1] ?? []);
    expect(states).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    const id = /\(([0-9a-f-]{36})\)/.exec(r.stdout)![1]!;
    expect(await runLogs(id)).toContain("Hello Grace! GREETING=howdy");
  });

  it("exits 1 with the failure when the run FAILED", async () => {
    const r = await w.run(["deployment", "run", "hello-world/dev", "--params", '{"name": "fail"}', "--watch"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Z {2}FAILED\b/);
    expect(r.stderr).toMatch(/^ordo: flow run \S+ ended FAILED: .*asked to fail$/m);
  });
});

describe("ordo deployment execute", () => {
  it("runs a deployment's flow here, from its storage, without a worker", async () => {
    const r = await w.run(["deployment", "execute", "hello-world/dev", "--param", "name=Local"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Hello Local! GREETING=(unset)");
  });
});

describe.concurrent("bad input to build: a one-line reason, a non-zero exit, nothing written", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["a missing export", ["flows/hello.ts:nope"], /flows\/hello.ts has no export "nope" \(it exports: hello\)/],
    ["an export that is no flow", ["flows/hello.ts:notAFlow"], /"notAFlow" is a number, not a flow/],
    ["a missing file", ["flows/gone.ts:hello"], /flows\/gone.ts: no such file/],
    [
      "an unknown block slug",
      ["flows/hello.ts:hello", "-sb", "local-file-system/nope"],
      /no storage block "local-file-system\/nope"/,
    ],
    ["a malformed block slug", ["flows/hello.ts:hello", "-sb", "nope"], /-sb takes block-type\/block-name/],
    [
      "a bad cron",
      ["flows/hello.ts:hello", "--cron", "61 * * * *"],
      /--cron: Invalid cron expression "61 \* \* \* \*"/,
    ],
    [
      "two schedules at once",
      ["flows/hello.ts:hello", "--cron", "* * * * *", "--interval", "60"],
      /give one of --cron, --interval and --rrule/,
    ],
    [
      "bad override syntax",
      ["flows/hello.ts:hello", "--override", "envGREETING"],
      /--override takes a dotted key=value such as env.KEY=value/,
    ],
    ["bad --params", ["flows/hello.ts:hello", "--params", "[1]"], /--params takes a JSON object/],
    ["a flow outside the folder", ["../elsewhere.ts:flow"], /outside this folder/],
  ];
  it.each(cases)("%s", async (_, args, reason) => {
    const r = await w.run(["deployment", "build", ...args, "-n", "bad", "-o", "bad-deployment.yaml"]);
    expect(oneLineFailure(r)).toMatch(reason);
    expect(await filesUnder(w.project)).not.toContain("bad-deployment.yaml");
  });
});
