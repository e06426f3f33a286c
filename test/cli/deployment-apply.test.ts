// `ordo deployment apply / preview / run / inspect / ls / pause / resume / delete` with the real
// binary: the seed's three deployments from one multi-document file in the older spec shape,
// inline storage as a reused anonymous block, build-shaped files with --upload, and bad files
// reported at their line with nothing applied.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliWorld, filesUnder, oneLineFailure, type CliWorld } from "./deployment-setup.js";
import { graphql } from "../harness/documents.js";

let w: CliWorld;

beforeAll(async () => {
  w = await cliWorld("deployment-seed");
});

afterAll(() => w?.close());

const SEED = ["hello-world/hello-world-unscheduled", "hello-world/hello-world-daily", "hello-world/hello-world-weekly"];

async function view(slug: string) {
  const r = await w.t.ok(
    graphql(`query($slug: String!) { deployment(slug: $slug) { id slug updated version entrypoint path storagePath storageDocument { id slug isAnonymous } parameters tags paused
      schedules { id active schedule { __typename ... on IntervalSchedule { interval } ... on CronSchedule { cron timezone } } } flowRuns(first: 200) { totalCount } } }`),
    { slug },
  );
  return r.deployment;
}

const write = (name: string, text: string) => writeFile(path.join(w.project, name), text);

describe("the seed example: one flow, three deployments (unscheduled, daily, weekly) in one multi-document file", () => {
  it("applies all three, in the older spec shape", async () => {
    const r = await w.run(["deployment", "apply", "deployments.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    for (const slug of SEED) expect(r.stdout).toContain(slug);
    const [unscheduled, daily, weekly] = await Promise.all(SEED.map(view));
    expect(unscheduled).toMatchObject({
      entrypoint: "hello_flow.ts:helloWorld",
      path: w.project,
      storageDocument: null,
      parameters: { name: "Trillian" },
      tags: ["trillian", "ad-hoc"],
      schedules: [],
    });
    expect(daily).toMatchObject({
      parameters: { name: "Arthur" },
      tags: ["arthur", "daily"],
      schedules: [{ active: true, schedule: { __typename: "IntervalSchedule", interval: 86400 } }],
    });
    expect(weekly).toMatchObject({
      parameters: { name: "Marvin" },
      tags: ["marvin", "weekly"],
      schedules: [{ schedule: { interval: 604800 } }],
    });
    // the version is the hash of the flow's folder, the same for all three
    expect(daily!.version).toMatch(/^[0-9a-f]{32}$/);
    expect(weekly!.version).toBe(daily!.version);
  });

  it("changes nothing when applied again: same ids, same schedule ids, no new runs", async () => {
    await w.t.app.services.scheduling.schedule();
    const before = await Promise.all(SEED.map(view));
    const again = await w.json<Array<{ slug: string; status: string }>>(["deployment", "apply", "deployments.yaml"]);
    expect(again.map((d) => [d.slug, d.status])).toEqual(SEED.map((s) => [s, "unchanged"]));
    const preview = await w.run(["deployment", "preview", "deployments.yaml"]);
    for (const slug of SEED) expect(preview.stdout).toContain(`${slug}  (unchanged: applying would write nothing;`);
    await w.t.app.services.scheduling.schedule();
    // nothing written: not even the update time moved
    expect(await Promise.all(SEED.map(view))).toEqual(before);
  });

  it("lists and inspects them", async () => {
    const listed = await w.json<Array<{ slug: string; schedules: unknown[] }>>([
      "deployment",
      "ls",
      "--flow",
      "hello-world",
    ]);
    expect(listed.map((d) => d.slug)).toEqual([...SEED].sort());
    const table = await w.run(["deployment", "ls"]);
    expect(table.stdout).toMatch(/hello-world\/hello-world-weekly .*every 1 week/);
    const inspected = await w.json<{ slug: string; parameters: unknown }>([
      "deployment",
      "inspect",
      "hello-world/hello-world-daily",
    ]);
    expect(inspected).toMatchObject({ slug: "hello-world/hello-world-daily", parameters: { name: "Arthur" } });
  });

  it("runs one here with `execute`, from the flow's folder", async () => {
    const r = await w.run(["deployment", "execute", "hello-world/hello-world-daily"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Hello Arthur!");
  });
});

describe("ordo deployment run", () => {
  it("creates a run later with --start-in, parameters merged from --params and --param", async () => {
    const started = Date.now();
    const run = await w.json<{ stateType: string; expectedStartTime: string; parameters: unknown; tags: string[] }>([
      "deployment",
      "run",
      "hello-world/hello-world-daily",
      "--params",
      '{"name": "Ford", "extra": 1}',
      "--param",
      "extra=[1,2]",
      "--param",
      "mood=calm",
      "--start-in",
      "10m",
      "-t",
      "manual",
    ]);
    expect(run.stateType).toBe("SCHEDULED");
    expect(Date.parse(run.expectedStartTime) - started).toBeGreaterThan(590_000);
    expect(run.parameters).toEqual({ name: "Ford", extra: [1, 2], mood: "calm" });
    expect(run.tags).toEqual(expect.arrayContaining(["arthur", "daily", "manual"]));
  });

  it("refuses unknown deployments and conflicting flags in one line", async () => {
    expect(oneLineFailure(await w.run(["deployment", "run", "hello-world/nope"]))).toMatch(
      /no deployment "hello-world\/nope"/,
    );
    expect(oneLineFailure(await w.run(["deployment", "run", "nope"]))).toMatch(/name the deployment as FLOW\/NAME/);
    expect(
      oneLineFailure(
        await w.run([
          "deployment",
          "run",
          "hello-world/hello-world-daily",
          "--start-in",
          "1m",
          "--start-at",
          "2030-01-01T00:00",
        ]),
      ),
    ).toMatch(/--start-in or --start-at, not both/);
  });
});

describe("pause, resume, delete", () => {
  it("pauses and resumes a deployment, and deletes one", async () => {
    expect((await w.json<{ paused: boolean }>(["deployment", "pause", "hello-world/hello-world-weekly"])).paused).toBe(
      true,
    );
    expect((await view("hello-world/hello-world-weekly")).paused).toBe(true);
    expect((await w.json<{ paused: boolean }>(["deployment", "resume", "hello-world/hello-world-weekly"])).paused).toBe(
      false,
    );
    const r = await w.run(["deployment", "delete", "hello-world/hello-world-unscheduled"]);
    expect(r.stdout).toMatch(/^Deleted deployment hello-world\/hello-world-unscheduled/);
    expect(await view("hello-world/hello-world-unscheduled")).toBeNull();
  });
});

describe("storage in definition files", () => {
  it("makes an inline flow_storage an anonymous block, uploads the flow's folder to it, and reuses it when applied again", async () => {
    const store = path.join(w.store, "inline");
    await write(
      "inline.yaml",
      `name: stored\nflow_location: ./hello_flow.ts\nflow_storage:\n  type: local-file-system\n  basePath: ${store}\n`,
    );
    expect((await w.run(["deployment", "apply", "inline.yaml"])).code).toBe(0);
    const first = await view("hello-world/stored");
    expect(first.storageDocument).toMatchObject({
      isAnonymous: true,
      slug: expect.stringMatching(/^local-file-system\/anonymous-[0-9a-f]+$/),
    });
    expect(first.path).toBeNull();
    // the flow's folder, without the file being applied
    expect(await filesUnder(store)).toContain("hello_flow.ts");
    expect(await filesUnder(store)).not.toContain("inline.yaml");
    expect((await w.run(["deployment", "apply", "inline.yaml"])).code).toBe(0);
    expect((await view("hello-world/stored")).storageDocument.id).toBe(first.storageDocument.id);
    const anonymous = await w.t.ok(
      graphql(`{ blockDocuments(blockTypeSlug: "local-file-system", includeAnonymous: true) { totalCount } }`),
    );
    expect(anonymous.blockDocuments.totalCount).toBe(2); // code, and the one anonymous block
  });

  it("takes flow_storage as a saved block's id or slug (with a folder inside it)", async () => {
    const code = (await w.t.ok(graphql(`{ blockDocument(slug: "local-file-system/code") { id } }`))).blockDocument.id;
    await write(
      "saved.yaml",
      `name: by-id\nflow_location: ./hello_flow.ts\nflow_storage: ${code}\n---\nname: by-slug\nflow_location: ./hello_flow.ts\nflow_storage: local-file-system/code/by-slug\n`,
    );
    const r = await w.run(["deployment", "apply", "saved.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await view("hello-world/by-id")).toMatchObject({ storageDocument: { id: code }, storagePath: null });
    expect(await view("hello-world/by-slug")).toMatchObject({ storageDocument: { id: code }, storagePath: "by-slug" });
    expect(await filesUnder(path.join(w.store, "by-slug"))).toContain("hello_flow.ts");
  });

  it("applies a build-shaped file with --upload: the current folder to its storage block, schedules with timezones and slugs", async () => {
    await write(
      "app-deployment.yaml",
      [
        "name: app",
        "version: '7'",
        "work_pool_name: apply-pool",
        "schedules:",
        "  - cron: 0 6 * * 1-5",
        "    timezone: America/New_York",
        "    slug: weekday-mornings",
        "  - interval: PT12H",
        "    anchor_date: 2024-01-01T06:00:00",
        "    timezone: Europe/Paris",
        "job_variables:",
        "  env:",
        "    MODE: batch",
        "infra_overrides:",
        "  env.LEVEL: debug",
        "### DO NOT EDIT BELOW THIS LINE",
        "flow_name: hello-world",
        "entrypoint: hello_flow.ts:helloWorld",
        "storage: local-file-system/code/app",
        "",
      ].join("\n"),
    );
    const r = await w.run(["deployment", "apply", "app-deployment.yaml", "--upload"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Uploaded \d+ files? to local-file-system\/code\/app/);
    expect(await filesUnder(path.join(w.store, "app"))).toContain("hello_flow.ts");
    expect(await filesUnder(path.join(w.store, "app"))).not.toContain("app-deployment.yaml");
    const d = await view("hello-world/app");
    expect(d).toMatchObject({
      version: "7",
      storagePath: "app",
      schedules: [
        { schedule: { cron: "0 6 * * 1-5", timezone: "America/New_York" } },
        { schedule: { interval: 43200 } },
      ],
    });
    const jobVariables = (await w.t.ok(graphql(`{ deployment(slug: "hello-world/app") { jobVariables } }`))).deployment
      .jobVariables;
    expect(jobVariables).toEqual({ env: { MODE: "batch", LEVEL: "debug" } });
  });
});

describe("preview", () => {
  it("shows what would be created or updated and each schedule's next dates, writing nothing", async () => {
    await write(
      "preview.yaml",
      "name: preview-only\nflow_location: ./hello_flow.ts\nschedule:\n  cron: '0 12 * * *'\n  timezone: Asia/Tokyo\n---\nname: hello-world-daily\nflow_location: ./hello_flow.ts\n",
    );
    const previews = await w.json<
      Array<{ slug: string; action: string; changedFields: string[]; schedules: Array<{ next: string[] }> }>
    >(["deployment", "preview", "preview.yaml", "--count", "2"]);
    expect(previews.map((p) => [p.slug, p.action])).toEqual([
      ["hello-world/preview-only", "create"],
      ["hello-world/hello-world-daily", "update"],
    ]);
    // the daily one without its schedule and parameters: the older shape resets what it leaves out
    expect(previews[1]!.changedFields).toEqual(expect.arrayContaining(["parameters", "schedules", "tags"]));
    expect(previews[0]!.schedules[0]!.next).toHaveLength(2);
    expect(previews[0]!.schedules[0]!.next[0]).toMatch(/T03:00:00/); // noon in Tokyo
    const people = await w.run(["deployment", "preview", "preview.yaml"]);
    expect(people.stdout).toMatch(/hello-world\/preview-only {2}\(would be created; preview.yaml:1:1\)/);
    expect(people.stdout).toMatch(/next +\d{4}-/);
    expect(people.stdout).toMatch(
      /hello-world\/hello-world-daily {2}\(would be updated: [a-z, ]*parameters, schedules/,
    );
    expect(await view("hello-world/preview-only")).toBeNull();
  });
});

describe.concurrent("bad definition files: the file and line, a non-zero exit, nothing applied", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "an unknown field",
      "name: a\nflow_location: ./hello_flow.ts\nschedul:\n  interval: 60\n",
      /bad.yaml:3:1: unknown field "schedul"/,
    ],
    [
      "an unknown field in a schedule",
      "name: a\nflow_name: f\nschedules:\n  - cron: '* * * * *'\n    tz: UTC\n",
      /bad.yaml:5:5: unknown field "schedules.0.tz"/,
    ],
    [
      "a bad cron",
      "name: a\nflow_location: ./hello_flow.ts\nschedule:\n  cron: 61 * * * *\n",
      /bad.yaml:4:3: Invalid cron expression "61 \* \* \* \*"/,
    ],
    [
      "two kinds of schedule",
      "name: a\nflow_name: f\nschedule:\n  cron: '* * * * *'\n  interval: 60\n",
      /bad.yaml:4:3: a schedule has exactly one of interval, cron and rrule/,
    ],
    ["a wrong type", "name: a\nflow_name: f\ntags: prod\n", /bad.yaml:3:7: tags must be array/],
    ["a flow file that is not there", "name: a\nflow_location: ./gone.ts\n", /bad.yaml:2:16: gone.ts: no such file/],
    [
      "a flow_name the file does not define",
      "name: a\nflow_location: ./hello_flow.ts\nflow_name: other\n",
      /bad.yaml:3:12: .*defines no flow named "other" \(it defines: hello-world/,
    ],
    [
      "an unknown storage block",
      "name: a\nflow_location: ./hello_flow.ts\nflow_storage: local-file-system/nope\n",
      /bad.yaml:3:15: no storage block "local-file-system\/nope"/,
    ],
    [
      "an invalid inline block",
      "name: a\nflow_location: ./hello_flow.ts\nflow_storage:\n  type: local-file-system\n  base: /x\n",
      /bad.yaml:4:3: the local-file-system block is not valid/,
    ],
    ["a YAML syntax error", "name: [a\n", /bad.yaml:\d+:\d+: /],
    ["a list instead of a mapping", "- a\n- b\n", /bad.yaml:1:1: a deployment definition is a mapping of fields/],
    [
      "the same deployment twice",
      "name: twice\nflow_location: ./hello_flow.ts\n---\nname: twice\nflow_location: ./hello_flow.ts\n",
      /bad.yaml:4:1: deployment hello-world\/twice is defined twice \(also at bad.yaml:1:1\)/,
    ],
    [
      "a good document, then a bad one",
      "name: good-first\nflow_location: ./hello_flow.ts\n---\nname: b\nflow_location: ./hello_flow.ts\nschedule:\n  interval: -5\n",
      /bad.yaml:7:3: interval must be a positive number/,
    ],
  ];
  it.each(cases)("%s", async (_, text, reason) => {
    const file = `bad-${Math.random().toString(36).slice(2)}.yaml`;
    await write(file, text);
    const r = await w.run(["deployment", "apply", file]);
    expect(oneLineFailure({ ...r, stderr: r.stderr.replaceAll(file, "bad.yaml") })).toMatch(reason);
    expect(await view("hello-world/good-first")).toBeNull();
    expect(await view("hello-world/a")).toBeNull();
  });

  it("names a missing file", async () => {
    expect(oneLineFailure(await w.run(["deployment", "apply", "missing.yaml"]))).toBe(
      "cannot read missing.yaml: no such file",
    );
  });
});
