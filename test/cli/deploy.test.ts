// `ordo deploy` as a user runs it: the real binary against a real server, projects copied from
// test/fixtures/cli/project-*, and a real `ordo worker start` running what was deployed — code
// through a storage block (push, pull) and from a git repository (pull at a built commit).
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { eventually } from "../harness/eventually.js";
import { WorkerProcess } from "../harness/worker-process.js";
import { graphql } from "../harness/documents.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/cli");
const POOL = "deploy-pool";

let t: TestApp;
let url: string;
let tmp: string;
let storageProject: string;
let gitProject: string;

interface Deployed {
  slug: string;
  id: string;
  status: string;
  version: string | null;
  workPool: string | null;
  schedules: Array<{ id: string; slug: string | null }>;
  pullSteps: unknown;
}

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-deploy-"));
  storageProject = path.join(tmp, "greetings");
  gitProject = path.join(tmp, "repos/project");
  await cp(path.join(FIXTURES, "project-storage"), storageProject, { recursive: true });
  await cp(path.join(FIXTURES, "project-git"), gitProject, { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: gitProject, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "flows");
  await mkdir(path.join(tmp, "store"));
  const block = `mutation($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }`;
  await t.ok(block, {
    input: { blockTypeSlug: "local-file-system", name: "deploy-store", data: { basePath: path.join(tmp, "store") } },
  });
  await t.ok(block, {
    input: { blockTypeSlug: "local-file-system", name: "repos", data: { basePath: path.join(tmp, "repos") } },
  });
  // the pool exists before the worker starts; the deployments name it
  await t.ok(graphql(`mutation($name: String!) { createWorkPool(input: { name: $name, type: "process" }) { id } }`), {
    name: POOL,
  });
  new WorkerProcess(url, ["--pool", POOL, "--poll-seconds", "1"]);
});

afterAll(async () => {
  await WorkerProcess.killAll();
  await t?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const env = { GREETING: "Hello", GREETING_VERSION: "1.2" };

async function deploy(cwd: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<Deployed[]> {
  const r = await ordo(url, ["deploy", ...args, "--json"], { cwd, env: { ...env, ...extraEnv } });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Deployed[];
}

async function runToCompletion(slug: string): Promise<{ data: unknown; types: string[] }> {
  const { createFlowRun } = await t.ok(
    graphql(`mutation($slug: String!) { createFlowRun(input: { deploymentSlug: $slug }) { id } }`),
    { slug },
  );
  const run = await eventually(
    async () => {
      const r = await t.ok(
        graphql(`query($id: ID!) { flowRun(id: $id) { stateType state { message data } states { type } } }`),
        { id: createFlowRun.id },
      );
      return ["COMPLETED", "FAILED", "CRASHED"].includes(r.flowRun.stateType) && r.flowRun;
    },
    { timeoutMs: 30_000, what: `run of ${slug} to finish` },
  );
  expect(run.stateType, run.state.message).toBe("COMPLETED");
  return { data: run.state.data, types: run.states.map((s: { type: string }) => s.type) };
}

const deploymentQuery = `query($slug: String!) { deployment(slug: $slug) {
  id version description tags parameters parameterOpenapiSchema enforceParameterSchema entrypoint pullSteps jobVariables
  workPool { name } workQueueName schedules { id slug } } }`;

describe("a project pushed to a storage block and pulled from it", () => {
  it("runs build and push, templates outputs, $ENV and blocks, stores the pull step, and a worker runs the deployment", async () => {
    const [d] = await deploy(storageProject);
    expect(d).toMatchObject({ slug: "greet/hello", status: "created", version: "v-1.2", workPool: POOL });
    // the push step's outputs filled the pull step; nothing is left to resolve
    expect(d!.pullSteps).toEqual([
      { pull_from_storage: { block: "local-file-system/deploy-store", path: "greetings" } },
    ]);
    const { deployment } = await t.ok(deploymentQuery, { slug: "greet/hello" });
    expect(deployment).toMatchObject({
      description: "Greets from a deployed project",
      tags: ["deploy-test"],
      parameters: { greeting: "Hello", store: path.join(tmp, "store") },
      parameterOpenapiSchema: {
        type: "object",
        properties: { greeting: { type: "string" }, store: { type: "string" } },
      },
      enforceParameterSchema: true,
      entrypoint: "flows/greet.ts:greet",
      jobVariables: { env: { GREETING_SUFFIX: "!" } },
      workQueueName: "default",
    });
    expect(deployment.schedules.map((s: { slug: string | null }) => s.slug)).toEqual(["nightly", null]);
    // .ordoignore kept build.log out of the upload
    expect((await readdir(path.join(tmp, "store/greetings"))).sort()).toEqual([".ordoignore", "flows", "ordo.yaml"]);

    const { data, types } = await runToCompletion("greet/hello");
    expect(types).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
    expect(data).toEqual({
      greeting: "Hello!",
      store: path.join(tmp, "store"),
      files: [".ordoignore", "flows", "ordo.yaml"],
    });
  });

  it("changes nothing when re-run unchanged (same version and schedule ids, no new runs), and updates in place when an input changes", async () => {
    const before = (await t.ok(deploymentQuery, { slug: "greet/hello" })).deployment;
    const { runsInserted } = await t.app.services.scheduling.schedule();
    expect(runsInserted).toBeGreaterThan(0);
    const runIds = async () =>
      (
        await t.ok(
          graphql(`query { flowRuns(first: 200, filter: { stateTypes: [SCHEDULED] }) { edges { node { id } } } }`),
        )
      ).flowRuns.edges
        .map((e: { node: { id: string } }) => e.node.id)
        .sort();
    const scheduled = await runIds();

    const [again] = await deploy(storageProject);
    expect(again).toMatchObject({ status: "unchanged", id: before.id, version: "v-1.2" });
    expect((await t.ok(deploymentQuery, { slug: "greet/hello" })).deployment).toEqual(before);
    expect((await t.app.services.scheduling.schedule()).runsInserted).toBe(0);
    expect(await runIds()).toEqual(scheduled);

    const [changed] = await deploy(storageProject, ["-n", "hello"], { GREETING_VERSION: "1.3" });
    expect(changed).toMatchObject({ status: "updated", id: before.id, version: "v-1.3" });
    expect(changed!.schedules.map((s) => s.id)).toEqual(before.schedules.map((s: { id: string }) => s.id));
    expect(await runIds()).toEqual(scheduled);
  });
});

describe("a project in a git repository", () => {
  it("stores a git_clone of the built commit with its block reference left for the worker, which clones and runs it", async () => {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: gitProject, encoding: "utf8" }).trim();
    const [d] = await deploy(gitProject);
    expect(d).toMatchObject({ slug: "count/from-git", status: "created", version: "git-1" });
    expect(d!.pullSteps).toEqual([
      {
        git_clone: {
          id: "clone",
          repository: "{{ ordo.blocks.local-file-system.repos.basePath }}/project",
          commit_sha: sha,
        },
      },
      { set_working_directory: { directory: "{{ clone.directory }}" } },
    ]);
    const { data } = await runToCompletion("count/from-git");
    expect(data).toEqual({ sum: 10, folder: "project" });
  });
});

describe("defaults", () => {
  it("--all deploys every deployment, building once; no pull section means set_working_directory to the project folder, pull: [] means none", async () => {
    const dir = path.join(tmp, "no-pull");
    await cp(path.join(storageProject, "flows"), path.join(dir, "flows"), { recursive: true });
    await writeFile(
      path.join(dir, "ordo.yaml"),
      // the build step appends a line outside the project: it must run once for both deployments
      [
        "build:",
        "  - run_shell_script: { script: echo built >> ../built.txt }",
        "deployments:",
        "  - name: local",
        "    entrypoint: flows/greet.ts:greet",
        "    work_pool: { name: deploy-pool }",
        "  - name: nothing-to-pull",
        "    entrypoint: flows/greet.ts:greet",
        "    pull: []",
        "",
      ].join("\n"),
    );
    const deployed = await deploy(dir, ["--all"]);
    expect(deployed.map((d) => [d.slug, d.status, d.pullSteps])).toEqual([
      ["greet/local", "created", [{ set_working_directory: { directory: dir } }]],
      ["greet/nothing-to-pull", "created", []],
    ]);
    expect(await readFile(path.join(tmp, "built.txt"), "utf8")).toBe("built\n");
    // neither the file nor the flow names a version: the entrypoint file's hash does (Prefect's default)
    expect(deployed[0]!.version).toMatch(/^[0-9a-f]{16}$/);
    const { data } = await runToCompletion("greet/local");
    expect(data).toMatchObject({ files: ["flows", "ordo.yaml"] });

    const help = await ordo(url, ["deploy", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ordo\.yaml/);
    expect(help.stdout).toMatch(/--all/);
  });
});
