// `ordo flow-run ls / inspect / cancel / logs [--follow]` as a user runs them: the real binary
// against a real server; tables for people, --json for scripts, one-line reasons on bad input.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo, ordoJson } from "../harness/cli.js";
import { eventually } from "../harness/eventually.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { ORDO_BIN } from "../harness/worker-process.js";
import { expectFailure, expectHelp, expectOk } from "./expect-cli.js";
import { homeEnv } from "../harness/server-homes.js";
import { graphql } from "../harness/documents.js";
import type { StateType } from "../harness/generated/graphql.js";

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ url } = await t.app.start());
  for (const [flowName, name] of [
    ["etl", "nightly"],
    ["etl", "hourly"],
    ["report", "weekly"],
  ] as const) {
    await t.ok(graphql(`mutation($input: DeploymentInput!) { applyDeployment(input: $input) { created } }`), {
      input: { flowName, name },
    });
  }
});

afterAll(() => t?.close());

async function createRun(
  deploymentSlug: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const d = await t.ok(graphql(`mutation($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id name } }`), {
    input: { deploymentSlug, ...extra },
  });
  return d.createFlowRun;
}

async function propose(flowRunId: string, type: StateType): Promise<string> {
  const d = await t.ok(
    graphql(`mutation($input: SetFlowRunStateInput!) { setFlowRunState(input: $input) { status } }`),
    {
      input: { flowRunId, state: { type } },
    },
  );
  return d.setFlowRunState.status;
}

async function postLog(flowRunId: string, message: string, level = 20): Promise<void> {
  await t.ok(graphql(`mutation($logs: [LogInput!]!) { createLogs(logs: $logs) }`), {
    logs: [{ flowRunId, level, message, name: "test" }],
  });
}

interface Row {
  id: string;
  name: string;
  stateType: string;
  flow: { name: string };
  deployment: { slug: string } | null;
}

describe("ordo flow-run ls / inspect", () => {
  it("lists runs with filters by flow, deployment, state and limit; a table for people, JSON for scripts", async () => {
    const nightly = await createRun("etl/nightly");
    const hourly = await createRun("etl/hourly");
    const weekly = await createRun("report/weekly");
    expect(await propose(weekly.id, "PENDING")).toBe("ACCEPT");

    const [table, all, byFlow, byDeployment, pending, limited, help] = await Promise.all([
      ordo(url, ["flow-run", "ls"]),
      ordoJson<Row[]>(url, ["flow-run", "ls"]),
      ordoJson<Row[]>(url, ["flow-run", "ls", "--flow", "etl"]),
      ordoJson<Row[]>(url, ["flow-run", "ls", "--deployment", "etl/hourly"]),
      ordoJson<Row[]>(url, ["flow-run", "ls", "--state", "pending", "--state", "RUNNING"]),
      ordoJson<Row[]>(url, ["flow-run", "ls", "--limit", "1"]),
      ordo(url, ["flow-run", "ls", "--help"]),
    ]);
    expect(expectOk(table)).toMatch(/id.*name.*flow \/ deployment.*state.*when/);
    for (const r of [nightly, hourly, weekly]) expect(table.stdout).toContain(r.name);
    expect(table.stdout).toContain("etl/nightly");

    expect(new Set(all.map((r) => r.id))).toEqual(new Set([nightly.id, hourly.id, weekly.id]));
    expect(byFlow.map((r) => r.id).sort()).toEqual([nightly.id, hourly.id].sort());
    expect(byDeployment.map((r) => [r.id, r.deployment?.slug])).toEqual([[hourly.id, "etl/hourly"]]);
    expect(pending.map((r) => [r.id, r.stateType])).toEqual([[weekly.id, "PENDING"]]);
    expect(limited).toHaveLength(1);
    expectHelp(help, "--flow", "--deployment", "--state", "--limit", "--json");
  });

  it("inspects a run: its state history as a table, everything as JSON", async () => {
    const run = await createRun("etl/nightly", { parameters: { day: "monday" }, tags: ["cli"] });
    await propose(run.id, "PENDING");
    const [text, json] = await Promise.all([
      ordo(url, ["flow-run", "inspect", run.id]),
      ordoJson<any>(url, ["flow-run", "inspect", run.id]),
    ]);
    expect(expectOk(text)).toContain(run.name);
    expect(text.stdout).toMatch(/deployment\s+etl\/nightly/);
    expect(text.stdout).toMatch(/state\s+Pending since/);
    expect(text.stdout).toMatch(/Scheduled.*SCHEDULED[\s\S]*Pending.*PENDING/);
    expect(json).toMatchObject({
      id: run.id,
      name: run.name,
      stateType: "PENDING",
      parameters: { day: "monday" },
      tags: ["cli"],
      deployment: { slug: "etl/nightly" },
    });
    expect(json.states.map((s: { type: string }) => s.type)).toEqual(["SCHEDULED", "PENDING"]);
  });

  it("bad filters and unknown runs exit non-zero with one line naming the problem", async () => {
    const results = await Promise.all([
      ordo(url, ["flow-run", "ls", "--state", "bogus"]),
      ordo(url, ["flow-run", "ls", "--limit", "0"]),
      ordo(url, ["flow-run", "ls", "--limit", "500"]),
      ordo(url, ["flow-run", "ls", "--deployment", "no-slash"]),
      ordo(url, ["flow-run", "ls", "--deployment", "etl/nope"]),
      ordo(url, ["flow-run", "ls", "--flow", "nope"]),
      ordo(url, ["flow-run", "inspect", "no-such-run"]),
      ordo(url, ["flow-run", "logs", "no-such-run"]),
      ordo("http://127.0.0.1:9/graphql", ["flow-run", "ls"]),
    ]);
    const reasons = [
      /--state must be one of SCHEDULED, .*"bogus"/,
      /--limit must be a positive whole number, not "0"/,
      /--limit must be at most 200/,
      /--deployment takes flow\/name, not "no-slash"/,
      /no deployment "etl\/nope"/,
      /no flow named "nope"/,
      /no flow run with id "no-such-run"/,
      /no flow run with id "no-such-run"/,
      /cannot reach the Ordo server at http:\/\/127\.0\.0\.1:9\/graphql/,
    ];
    results.forEach((r, i) => expectFailure(r, reasons[i]!));
  });
});

describe("ordo flow-run cancel", () => {
  it("cancels a scheduled run at once, moves a running one to CANCELLING, and refuses a finished one", async () => {
    const scheduled = await createRun("etl/nightly");
    const running = await createRun("etl/nightly");
    const finished = await createRun("etl/nightly");
    for (const s of ["PENDING", "RUNNING"] as const) await propose(running.id, s);
    for (const s of ["PENDING", "RUNNING", "COMPLETED"] as const) await propose(finished.id, s);

    const [a, b, c, help] = await Promise.all([
      ordo(url, ["flow-run", "cancel", scheduled.id]),
      ordoJson<{ status: string; state: { type: string } }>(url, ["flow-run", "cancel", running.id]),
      ordo(url, ["flow-run", "cancel", finished.id]),
      ordo(url, ["flow-run", "cancel", "--help"]),
    ]);
    expect(expectOk(a)).toMatch(new RegExp(`flow run "${scheduled.name}" \\(${scheduled.id}\\) is cancelled`));
    expect(b).toMatchObject({ status: "ACCEPT", state: { type: "CANCELLING" } });
    expectFailure(c, new RegExp(`"${finished.name}" .* is already Completed; there is nothing to cancel`));
    expectHelp(help, "<id>");

    const again = await ordo(url, ["flow-run", "cancel", running.id]);
    expect(expectOk(again)).toContain("is already being cancelled");
    const states = await t.ok(
      graphql(`query($a: ID!, $b: ID!) { a: flowRun(id: $a) { stateType } b: flowRun(id: $b) { stateType } }`),
      { a: scheduled.id, b: running.id },
    );
    expect(states).toEqual({ a: { stateType: "CANCELLED" }, b: { stateType: "CANCELLING" } });
  });
});

describe("ordo flow-run logs", () => {
  it("prints a run's logs oldest first, as text or JSON lines, across pages", async () => {
    const run = await createRun("etl/nightly");
    // more than one page (200) of lines, in one batch
    const logs = Array.from({ length: 205 }, (_, i) => ({
      flowRunId: run.id,
      level: i === 1 ? 40 : 20,
      message: `line ${i}`,
      timestamp: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
    }));
    await t.ok(graphql(`mutation($logs: [LogInput!]!) { createLogs(logs: $logs) }`), { logs });
    const empty = await createRun("etl/nightly");

    const [text, json, none, help] = await Promise.all([
      ordo(url, ["flow-run", "logs", run.id]),
      ordo(url, ["flow-run", "logs", run.id, "--json"]),
      ordo(url, ["flow-run", "logs", empty.id]),
      ordo(url, ["flow-run", "logs", "--help"]),
    ]);
    const lines = expectOk(text).trim().split("\n");
    expect(lines).toHaveLength(205);
    expect(lines[0]).toBe("2030-01-01 00:00:00Z | INFO     | ordo.flow_runs - line 0");
    expect(lines[1]).toMatch(/\| ERROR +\| .* - line 1$/);
    expect(lines[204]).toMatch(/line 204$/);
    const parsed = expectOk(json)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; message: string; level: number });
    expect(parsed.map((l) => l.message)).toEqual(logs.map((l) => l.message));
    expect(new Set(parsed.map((l) => l.id)).size).toBe(205);
    expect(expectOk(none)).toBe("");
    expect(none.stderr).toContain("no logs for this flow run");
    expectHelp(help, "--follow", "--json");
  });

  it("--follow prints stored lines, then lines as they arrive (each once, in order), and exits by itself once the run is final", async () => {
    const run = await createRun("etl/nightly");
    let next = 0;
    let stored = 0;
    let posting = true;
    let stdout = "";
    let stderr = "";
    // a steady stream from before the follower starts until after the run is final, the way an
    // executor ships its last batch after reporting the final state
    const poster = (async () => {
      while (posting) {
        await postLog(run.id, `n${next++}`);
        stored++;
        // pacing, not a wait: a line every ~15 ms, so lines keep arriving while the follower runs
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const posted = (what: string, holds: () => boolean) =>
      eventually(holds, {
        timeoutMs: 15_000,
        what: () => `${what} (${stored} lines stored; follower printed:\n${stdout}\nstderr:\n${stderr})`,
      });
    try {
      // stored lines for the follower to print first
      await posted("a few stored lines", () => stored >= 5);

      const child = spawn(process.execPath, [ORDO_BIN, "flow-run", "logs", run.id, "--follow"], {
        env: { ...process.env, ORDO_API_URL: url, ...homeEnv(url) },
      });
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));

      // following: more lines arrive after the follower printed the stored ones
      await posted("the follower's first line", () => stdout.includes("| "));
      const seenAtStart = stored;
      await posted("more lines after the follower started", () => stored - seenAtStart >= 5);
      await propose(run.id, "PENDING");
      await propose(run.id, "RUNNING");
      await propose(run.id, "COMPLETED");
      // lines shipped after the final state
      const atFinal = stored;
      await posted("lines after the final state", () => stored - atFinal >= 5);
      posting = false;
      await poster;

      expect(await exited, stderr).toBe(0);
      const printed = stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" - ").pop());
      expect(printed).toEqual(Array.from({ length: next }, (_, i) => `n${i}`));
    } finally {
      posting = false; // the poster stops with the test, passed or failed
    }
  });

  it("--follow on a finished run prints its logs and exits at once", async () => {
    const run = await createRun("etl/nightly");
    await postLog(run.id, "only line");
    for (const s of ["PENDING", "RUNNING", "FAILED"] as const) await propose(run.id, s);
    const started = Date.now();
    const r = await ordo(url, ["flow-run", "logs", run.id, "-f", "--json"], { timeoutMs: 15_000 });
    expect(JSON.parse(expectOk(r).trim())).toMatchObject({ message: "only line", level: 20, name: "test" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
