// Issue 14's CLI rough edges, each as a user met it, with the real binary against one live server:
// `| head` closing the pipe, schedule flag errors naming the right flag, hints naming real commands,
// build checking -o before uploading, run's hint for pool-less deployments, ls's Paused column,
// and serve() handing a not-yet-started run back on shutdown.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../harness/eventually.js";
import { homeEnv } from "../harness/server-homes.js";
import { ORDO_BIN } from "../harness/worker-process.js";
import { cliWorld, filesUnder, oneLineFailure, type CliWorld } from "./deployment-setup.js";
import { graphql } from "../harness/documents.js";

let w: CliWorld;

beforeAll(async () => {
  w = await cliWorld("deployment-hello");
  await w.t.ok(graphql(`mutation($input: DeploymentInput!) { applyDeployment(input: $input) { created } }`), {
    input: { flowName: "edges", name: "no-pool" },
  });
});

afterAll(() => w?.close());

const BUILD = ["deployment", "build", "flows/hello.ts:hello", "-n", "edge"];

describe("CLI rough edges (issue 14)", () => {
  it("exits quietly when the reader closes the pipe (| head)", async () => {
    const big = "x".repeat(300_000);
    const d = await w.t.ok(graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`), {
      input: { deploymentSlug: "edges/no-pool", parameters: { big } },
    });
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const sh = spawn(
        "bash",
        [
          "-c",
          `"${process.execPath}" "${ORDO_BIN}" flow-run inspect ${d.createFlowRun.id} | head -c 20; echo " ordo=\${PIPESTATUS[0]}"`,
        ],
        {
          env: { ...process.env, ORDO_API_URL: w.url, ...homeEnv(w.url) },
        },
      );
      let out = "";
      let err = "";
      sh.stdout.on("data", (c) => (out += c));
      sh.stderr.on("data", (c) => (err += c));
      sh.on("close", (code) => resolve({ code, out, err }));
    });
    expect(r.err).toBe("");
    expect(r.out).toMatch(/ ordo=0\n$/);
  });

  it("names --timezone for an unknown timezone and gives a real reason for a bad rrule FREQ", async () => {
    const [tz, rrule] = await Promise.all([
      w.run([...BUILD, "--cron", "0 9 * * *", "--timezone", "Mars/Olympus"]),
      w.run([...BUILD, "--rrule", "FREQ=SOMETIMES"]),
    ]);
    expect(oneLineFailure(tz)).toMatch(/^--timezone: Unknown timezone "Mars\/Olympus"/);
    const why = oneLineFailure(rrule);
    expect(why).toMatch(/^--rrule: .*FREQ=SOMETIMES is not a frequency; use one of YEARLY, .*SECONDLY/);
    expect(why).not.toContain("undefined");
  });

  it("hints name commands that exist (ordo block types)", async () => {
    const r = await w.run([...BUILD, "-i", "no-such-type"]);
    expect(oneLineFailure(r)).toContain("`ordo block types` lists");
  });

  it("build checks that -o can be written before uploading anything", async () => {
    const r = await w.run([...BUILD, "-sb", "local-file-system/code/edge", "-o", "missing/dir/x.yaml"]);
    expect(oneLineFailure(r)).toMatch(/cannot write .*missing\/dir\/x\.yaml: the folder .*missing\/dir does not exist/);
    expect(await filesUnder(path.join(w.store, "edge"))).toEqual([]);
  });

  it("run does not claim nobody picks up a pool-less run; ls shows Paused as yes/no", async () => {
    const run = await w.run(["deployment", "run", "edges/no-pool"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/no worker will/);
    expect(run.stderr).toMatch(/serve\(\)/);
    const ls = await w.run(["deployment", "ls"]);
    expect(ls.stdout).toMatch(/edges\/no-pool.*│ no\s+│/);
  });

  it("--param types values by the flow's / deployment's parameter schema", async () => {
    // hello's `name` is a string: 5 stays "5"; a key the schema does not type is read as JSON
    const built = await w.json([
      "deployment",
      "build",
      "flows/hello.ts:hello",
      "-n",
      "typed",
      "--param",
      "name=5",
      "--param",
      "extra=5",
      "--apply",
    ]);
    expect(built.applied[0].status).toBe("created");
    const run = await w.json(["deployment", "run", "hello-world/typed", "--param", "name=007", "--param", "other=[1]"]);
    const noSchema = await w.json(["deployment", "run", "edges/no-pool", "--param", "name=5"]);
    const q = `query($id: ID!) { flowRun(id: $id) { parameters } }`;
    const d = await w.t.ok(graphql(`query { deployment(slug: "hello-world/typed") { parameters } }`));
    expect(d.deployment.parameters).toEqual({ name: "5", extra: 5 });
    expect((await w.t.ok(q, { id: run.id })).flowRun.parameters).toMatchObject({ name: "007", other: [1] });
    expect((await w.t.ok(q, { id: noSchema.id })).flowRun.parameters).toMatchObject({ name: 5 });
  });

  it("ordo flow ls / inspect; flow-run inspect prints words; table headers share one style", async () => {
    const d = await w.t.ok(graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`), {
      input: { deploymentSlug: "edges/no-pool" },
    });
    const [ls, lsJson, inspect, inspectJson, missing, runInspect, deployments] = await Promise.all([
      w.run(["flow", "ls"]),
      w.json(["flow", "ls"]),
      w.run(["flow", "inspect", "edges"]),
      w.json(["flow", "inspect", "edges"]),
      w.run(["flow", "inspect", "nope"]),
      w.run(["flow-run", "inspect", d.createFlowRun.id]),
      w.run(["deployment", "ls"]),
    ]);
    expect(ls.stdout).toMatch(/│ name\s+│ id\s+│ deployments\s+│ created\s+│/);
    expect(ls.stdout).toMatch(/│ edges\s+│/);
    expect(lsJson.map((f: { name: string }) => f.name)).toContain("edges");
    expect(inspect.stdout).toMatch(/^deployments\s+edges\/no-pool$/m);
    expect(inspectJson).toMatchObject({ name: "edges", deployments: ["edges/no-pool"] });
    expect(oneLineFailure(missing)).toBe('no flow "nope" (`ordo flow ls` lists them)');
    expect(runInspect.stdout).toMatch(/^expected start time\s/m);
    expect(runInspect.stdout).not.toMatch(/^[a-z]+[A-Z]\w*\s/m);
    expect(deployments.stdout).toMatch(/│ deployment\s+│ id\s+│ schedules\s+│ work pool\s+│ paused\s+│/);
  });

  it("logs stamped in the same millisecond come back in the order they were written", async () => {
    const d = await w.t.ok(graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`), {
      input: { deploymentSlug: "edges/no-pool" },
    });
    const id = d.createFlowRun.id;
    const timestamp = "2030-01-01T00:00:00.000Z";
    const lines = Array.from({ length: 60 }, (_, i) => `line ${String(i).padStart(2, "0")}`);
    // two batches, as an executor ships them, all in one millisecond
    for (const batch of [lines.slice(0, 30), lines.slice(30)]) {
      await w.t.ok(graphql(`mutation($logs: [LogInput!]!) { createLogs(logs: $logs) }`), {
        logs: batch.map((message) => ({ flowRunId: id, level: 20, message, name: "t", timestamp })),
      });
    }
    const r = await w.run(["flow-run", "logs", id]);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" - ")[1]),
    ).toEqual(lines);
  });

  it("serve() shutting down hands a not-yet-started run back as SCHEDULED", async () => {
    const sdk = path.resolve(import.meta.dirname, "../../dist/src/sdk/index.js");
    const script = path.join(w.tmp, "serve-edge.mjs");
    await writeFile(
      script,
      `import { flow, serve } from ${JSON.stringify(sdk)};\nexport const later = flow({ name: "serve-edge" }, async () => "done");\nawait serve([later], { pollSeconds: 0.2, prefetchSeconds: 600 });\n`,
    );
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ORDO_API_URL: w.url, ...homeEnv(w.url) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      await eventually(() => out.includes("serving serve-edge/serve-edge"), {
        timeoutMs: 30_000,
        what: () => `the serve() line; output so far:\n${out}`,
      });
      const at = new Date(Date.now() + 300_000).toISOString();
      const d = await w.t.ok(graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`), {
        input: { deploymentSlug: "serve-edge/serve-edge", scheduledStartTime: at },
      });
      const id = d.createFlowRun.id;
      await eventually(() => out.includes(`starting (run ${id})`) && out.includes("Waiting"), {
        timeoutMs: 30_000,
        what: () => `the run to be started and waiting; output so far:\n${out}`,
      });
      child.kill("SIGTERM");
      await exited;
      const r = await w.t.ok(
        graphql(`query($id: ID!) { flowRun(id: $id) { stateType state { message scheduledTime } } }`),
        {
          id,
        },
      );
      expect(r.flowRun.stateType, out).toBe("SCHEDULED");
      expect(new Date(r.flowRun.state.scheduledTime).toISOString()).toBe(at);
      expect(out).toMatch(/handed back as SCHEDULED \(ACCEPT\)/);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
