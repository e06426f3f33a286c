// `ordo work-pool …` and `ordo work-queue …` against a real server: create, list, inspect (queues,
// workers, status), pause/resume, concurrency limits, delete (a queue's deployments and runs move
// to the default queue); one-line reasons on bad input.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo, ordoJson } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { expectFailure, expectHelp, expectOk } from "./expect-cli.js";
import { graphql } from "../harness/documents.js";

let t: TestApp;
let url: string;
let dir: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ url } = await t.app.start());
  dir = await mkdtemp(path.join(os.tmpdir(), "ordo-cli-pool-"));
});

afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const pool = (name: string) =>
  t
    .ok(
      graphql(
        `query($name: String!) { workPool(name: $name) { isPaused concurrencyLimit baseJobTemplate queues { name priority isPaused concurrencyLimit } } }`,
      ),
      { name },
    )
    .then((d) => d.workPool);

interface PoolJson {
  name: string;
  type: string;
  status: string;
  isPaused: boolean;
  concurrencyLimit: number | null;
  queues: Array<{ name: string; priority: number; status: string }>;
  workers: Array<{ name: string; status: string }>;
  baseJobTemplate?: unknown;
}

describe("ordo work-pool", () => {
  it("creates pools (with a base job template file, a limit, paused), lists and inspects them with queues and workers", async () => {
    const template = {
      job_configuration: { command: "{{ command }}", env: "{{ env }}" },
      variables: { type: "object", properties: { command: { type: "string" }, env: { type: "object" } } },
    };
    await writeFile(
      path.join(dir, "template.yaml"),
      `job_configuration:\n  command: "{{ command }}"\n  env: "{{ env }}"\nvariables:\n  type: object\n  properties:\n    command: { type: string }\n    env: { type: object }\n`,
    );
    const [plain, templated, help] = await Promise.all([
      ordo(url, [
        "work-pool",
        "create",
        "local",
        "--type",
        "process",
        "--concurrency-limit",
        "3",
        "--description",
        "laptop",
      ]),
      ordoJson<PoolJson>(url, [
        "work-pool",
        "create",
        "templated",
        "-t",
        "process",
        "--base-job-template",
        path.join(dir, "template.yaml"),
        "--paused",
      ]),
      ordo(url, ["work-pool", "create", "--help"]),
    ]);
    expect(expectOk(plain)).toContain(
      "Created work pool local (type process); start a worker with: ordo worker start --pool local",
    );
    expect(templated).toMatchObject({
      name: "templated",
      type: "process",
      isPaused: true,
      status: "PAUSED",
      queues: [{ name: "default", priority: 1 }],
    });
    expect((await pool("templated")).baseJobTemplate).toEqual(template);
    expectHelp(help, "--type", "--base-job-template", "--concurrency-limit", "--paused");

    // a worker polls the pool, so inspect has a worker and a polled queue to show
    await t.ok(
      graphql(
        `mutation { workerHeartbeat(workPoolName: "local", workerName: "w-1", heartbeatIntervalSeconds: 30) { id } }`,
      ),
    );
    await t.ok(
      graphql(`mutation { claimFlowRuns(input: { workPoolName: "local", workerName: "w-1", limit: 0 }) { id } }`),
    );

    const [table, listed, inspected, json] = await Promise.all([
      ordo(url, ["work-pool", "ls"]),
      ordoJson<PoolJson[]>(url, ["work-pool", "ls"]),
      ordo(url, ["work-pool", "inspect", "local"]),
      ordoJson<PoolJson>(url, ["work-pool", "inspect", "templated"]),
    ]);
    expect(expectOk(table)).toMatch(/name.*type.*status.*concurrency limit.*queues.*workers online/);
    expect(table.stdout).toMatch(/local\s.*process.*READY.*3.*1.*1/);
    expect(table.stdout).toMatch(/templated.*PAUSED.*none/);
    expect(listed.map((p) => [p.name, p.status])).toEqual([
      ["local", "READY"],
      ["templated", "PAUSED"],
    ]);
    expect(expectOk(inspected)).toMatch(/status\s+READY/);
    expect(inspected.stdout).toMatch(/description\s+laptop/);
    expect(inspected.stdout).toMatch(/queues:[\s\S]*default.*1.*READY.*none/);
    expect(inspected.stdout).toMatch(/workers:[\s\S]*w-1.*ONLINE/);
    expect(json).toMatchObject({ name: "templated", baseJobTemplate: template, workers: [] });
  });

  it("pauses, resumes, sets and clears the concurrency limit, and deletes", async () => {
    await t.ok(graphql(`mutation { createWorkPool(input: { name: "ops", type: "process" }) { id } }`));
    expect(expectOk(await ordo(url, ["work-pool", "pause", "ops"]))).toBe("Paused work pool ops\n");
    expect(await pool("ops")).toMatchObject({ isPaused: true });
    const resumed = await ordoJson<PoolJson>(url, ["work-pool", "resume", "ops"]);
    expect(resumed).toMatchObject({ isPaused: false, status: "NOT_READY" });
    expect(expectOk(await ordo(url, ["work-pool", "set-concurrency-limit", "ops", "0"]))).toBe(
      "Work pool ops runs at most 0 flow runs at once\n",
    );
    expect(await pool("ops")).toMatchObject({ concurrencyLimit: 0 });
    expect(await ordoJson<PoolJson>(url, ["work-pool", "clear-concurrency-limit", "ops"])).toMatchObject({
      concurrencyLimit: null,
    });
    expect(await ordoJson(url, ["work-pool", "delete", "ops"])).toEqual({ name: "ops", deleted: true });
    expect(await pool("ops")).toBeNull();
  });

  it("bad input exits non-zero with one line naming the problem", async () => {
    await writeFile(
      path.join(dir, "bad-template.json"),
      JSON.stringify({
        job_configuration: { command: "{{ undeclared }}" },
        variables: { type: "object", properties: {} },
      }),
    );
    const cases: Array<[string[], RegExp]> = [
      [
        ["work-pool", "create", "x", "--type", "nomad"],
        /input\.type must be a work-pool type or an infrastructure block type of the loaded plugins \(agent, .*\bprocess\b.*\), got "nomad"/,
      ],
      [
        ["work-pool", "create", "x", "--type", "process", "--concurrency-limit", "many"],
        /--concurrency-limit must be a whole number ≥ 0, not "many"/,
      ],
      [
        ["work-pool", "create", "x", "--type", "process", "--base-job-template", path.join(dir, "bad-template.json")],
        /undeclared/,
      ],
      [["work-pool", "create", "local", "--type", "process"], /A work pool named "local" already exists.*CONFLICT/],
      [["work-pool", "inspect", "nope"], /no work pool named "nope"/],
      [["work-pool", "set-concurrency-limit", "local", "-1"], /the limit must be a whole number ≥ 0, not "-1"/],
      [["work-pool", "delete", "nope"], /no work pool named "nope"/],
    ];
    const results = await Promise.all(cases.map(([args]) => ordo(url, args, { cwd: dir })));
    results.forEach((r, i) => expectFailure(r, cases[i]![1]));
    expect(await pool("x")).toBeNull();
  });
});

describe("ordo work-queue", () => {
  it("creates queues, lists them by pool, inspects, pauses, resumes and limits them", async () => {
    for (const name of ["queued", "other"])
      await t.ok(
        graphql(`mutation($name: String!) { createWorkPool(input: { name: $name, type: "process" }) { id } }`),
        {
          name,
        },
      );
    const [high, low, help] = await Promise.all([
      ordo(url, ["work-queue", "create", "high", "--pool", "queued", "--priority", "5", "--concurrency-limit", "2"]),
      ordoJson<{
        name: string;
        priority: number;
        isPaused: boolean;
        filterTags: string[] | null;
        workPool: { name: string };
      }>(url, ["work-queue", "create", "low", "-p", "other", "--paused", "-t", "nightly", "legacy"]),
      ordo(url, ["work-queue", "--help"]),
    ]);
    expect(expectOk(high)).toBe("Created work queue high in pool queued (priority 5)\n");
    expect(low).toMatchObject({
      name: "low",
      priority: 2,
      isPaused: true,
      filterTags: ["nightly", "legacy"],
      workPool: { name: "other" },
    });
    expectHelp(help, "create", "ls", "inspect", "pause", "resume", "set-concurrency-limit", "delete");

    const [table, all, ofPool, inspected, tagged] = await Promise.all([
      ordo(url, ["work-queue", "ls"]),
      ordoJson<Array<{ pool: string; name: string }>>(url, ["work-queue", "ls"]),
      ordoJson<Array<{ pool: string; name: string; priority: number; concurrencyLimit: number | null }>>(url, [
        "work-queue",
        "ls",
        "--pool",
        "queued",
      ]),
      ordo(url, ["work-queue", "inspect", "high"]),
      ordo(url, ["work-queue", "inspect", "low"]),
    ]);
    expect(expectOk(table)).toMatch(/pool.*name.*priority.*status.*concurrency limit.*last polled/);
    expect(table.stdout).toMatch(/queued.*high.*5.*NOT_READY.*2/);
    expect(all.filter((q) => ["queued", "other"].includes(q.pool)).map((q) => `${q.pool}/${q.name}`)).toEqual([
      "other/default",
      "other/low",
      "queued/default",
      "queued/high",
    ]);
    expect(ofPool.map((q) => [q.name, q.priority, q.concurrencyLimit])).toEqual([
      ["default", 1, null],
      ["high", 5, 2],
    ]);
    expect(expectOk(inspected)).toMatch(/pool\s+queued/);
    expect(inspected.stdout).toMatch(/last polled\s+never/);
    expect(inspected.stdout).toMatch(/tag filter\s+none/);
    expect(expectOk(tagged)).toMatch(/tag filter\s+nightly, legacy/);

    expect(expectOk(await ordo(url, ["work-queue", "pause", "high", "--pool", "queued"]))).toBe(
      "Paused work queue high (pool queued)\n",
    );
    expect(expectOk(await ordo(url, ["work-queue", "resume", "low"]))).toBe("Resumed work queue low (pool other)\n");
    expect(await ordoJson(url, ["work-queue", "set-concurrency-limit", "high", "7"])).toMatchObject({
      name: "high",
      concurrencyLimit: 7,
    });
    const queues = (await pool("queued")).queues as Array<{
      name: string;
      isPaused: boolean;
      concurrencyLimit: number | null;
    }>;
    expect(queues.find((q) => q.name === "high")).toMatchObject({ isPaused: true, concurrencyLimit: 7 });
    expect(await ordoJson(url, ["work-queue", "clear-concurrency-limit", "high"])).toMatchObject({
      concurrencyLimit: null,
    });
  });

  it("deletes a queue: its deployment and scheduled run move to the pool's default queue", async () => {
    await t.ok(graphql(`mutation { createWorkQueue(input: { workPoolName: "queued", name: "etl" }) { id } }`));
    await t.ok(graphql(`mutation { createWorkQueue(input: { workPoolName: "other", name: "spare" }) { id } }`));
    const d = (
      await t.ok(
        graphql(
          `mutation { applyDeployment(input: { flowName: "cli-wq", name: "d", workPoolName: "queued", workQueueName: "etl" }) { deployment { id } } }`,
        ),
      )
    ).applyDeployment.deployment.id;
    await t.ok(graphql(`mutation($d: ID!) { createFlowRun(input: { deploymentId: $d }) { id } }`), { d });
    const [text, json] = await Promise.all([
      ordo(url, ["work-queue", "delete", "etl"]),
      ordoJson(url, ["work-queue", "delete", "spare", "--pool", "other"]),
    ]);
    expect(expectOk(text)).toBe(
      "Deleted work queue etl (pool queued); moved 1 deployment and 1 unfinished flow run to its default queue default\n",
    );
    expect(json).toMatchObject({
      name: "spare",
      workPoolName: "other",
      defaultQueue: { name: "default" },
      deploymentsMoved: 0,
      flowRunsMoved: 0,
    });
    const after = await t.ok(
      graphql(
        `query($d: ID!) { deployment(id: $d) { workQueue { name } flowRuns { edges { node { workQueue { name } } } } } }`,
      ),
      { d },
    );
    expect(after.deployment).toEqual({
      workQueue: { name: "default" },
      flowRuns: { edges: [{ node: { workQueue: { name: "default" } } }] },
    });
    expect(((await pool("queued")).queues as Array<{ name: string }>).map((q) => q.name)).toEqual(["default", "high"]);
  });

  it("bad input exits non-zero with one line naming the problem", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["work-queue", "create", "q", "--pool", "nope"], /no work pool named "nope"/],
      [
        ["work-queue", "create", "q", "--pool", "queued", "--priority", "0"],
        /--priority must be a positive whole number, not "0"/,
      ],
      [["work-queue", "create", "q", "--pool", "queued", "--tag", ""], /input\.filterTags\[0\].*BAD_USER_INPUT/],
      [["work-queue", "inspect", "nope"], /no work queue named "nope"/],
      [["work-queue", "pause", "default"], /several pools have a queue named "default" \(.*\): give --pool/],
      [["work-queue", "resume", "high", "--pool", "other"], /no work queue named "high" in pool "other"/],
      [
        ["work-queue", "delete", "default", "--pool", "queued"],
        /default queue of work pool "queued".*cannot be deleted.*BAD_USER_INPUT/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => ordo(url, args)));
    results.forEach((r, i) => expectFailure(r, cases[i]![1]));
  });
});
