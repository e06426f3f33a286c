// Bad input to createFlowRun, setFlowRunState and createLogs through GraphQL on a real database
// (DESIGN invariant 8): each gets a GraphQL error with the contract's extensions.code, the offending
// field in extensions.field, a message without stack or SQL, and leaves the database unchanged.
// applyDeployment and malformed GraphQL: bad-input-deployments.test.ts; shared assertions: harness/rejections.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionChecker, tableCounts } from "../harness/rejections.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }
`);
const CREATE = graphql(`
  mutation Create($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id stateType } }
`);
const SET_STATE = graphql(`
  mutation Set($input: SetFlowRunStateInput!) { setFlowRunState(input: $input) { status } }
`);
const LOGS = graphql(`
  mutation Logs($logs: [LogInput!]!) { createLogs(logs: $logs) }
`);

const PARAMETER_SCHEMA = {
  type: "object",
  properties: {
    n: { type: "integer" },
    s: { type: "string" },
    when: { type: "string", format: "date-time" },
  },
  required: ["n"],
};

let t: TestApp;
let deploymentId: string;
let runId: string;

/** Row counts of every table, plus the write stamps of the existing deployment and run. */
async function snapshot() {
  const db = t.app.database.client;
  const counts = await tableCounts(t);
  const d = await db.deployment.findUniqueOrThrow({
    where: { id: deploymentId },
    select: { updated: true, scheduleChangedAt: true },
  });
  const r = await db.flowRun.findUniqueOrThrow({
    where: { id: runId },
    select: { updated: true, stateId: true, stateType: true, runCount: true },
  });
  return {
    counts,
    existing: {
      deploymentUpdated: d.updated.toISOString(),
      scheduleChangedAt: d.scheduleChangedAt.toISOString(),
      run: { ...r, updated: r.updated.toISOString() },
    },
  };
}

const expectRejected = rejectionChecker(() => t, snapshot);

const create = (input: Record<string, unknown>) => ({ input });
const bySlug = (extra: Record<string, unknown> = {}) => create({ deploymentSlug: "runs/enforced", ...extra });

beforeAll(async () => {
  t = await createTestApp();
  const applied = await t.ok(APPLY, {
    input: {
      flowName: "runs",
      name: "enforced",
      parameters: { s: "default" },
      parameterOpenapiSchema: PARAMETER_SCHEMA,
      workPoolName: "pool-r",
      schedules: [{ slug: "daily", schedule: { cron: { cron: "0 6 * * *" } } }],
    },
  });
  deploymentId = applied.applyDeployment.deployment.id;
  await t.ok(APPLY, { input: { flowName: "runs", name: "no-pool" } });
  runId = (await t.ok(CREATE, bySlug({ parameters: { n: 1 } }))).createFlowRun.id;
  await t.ok(LOGS, { logs: [{ flowRunId: runId, level: 20, message: "hello" }] });
});
afterAll(async () => {
  await t.close();
});

describe("createFlowRun", () => {
  it.each([
    ["neither deploymentId nor deploymentSlug", {}, "BAD_USER_INPUT", "input.deploymentId"],
    [
      "both deploymentId and deploymentSlug",
      { deploymentId: "x", deploymentSlug: "runs/enforced" },
      "BAD_USER_INPUT",
      "input.deploymentSlug",
    ],
    [
      "an unknown deploymentId",
      { deploymentId: "00000000-0000-4000-8000-000000000000" },
      "NOT_FOUND",
      "input.deploymentId",
    ],
    ["a deploymentId that is no uuid", { deploymentId: "nope" }, "NOT_FOUND", "input.deploymentId"],
    ["slug 'noslash'", { deploymentSlug: "noslash" }, "BAD_USER_INPUT", "input.deploymentSlug"],
    ["slug '/x'", { deploymentSlug: "/x" }, "BAD_USER_INPUT", "input.deploymentSlug"],
    ["slug 'x/'", { deploymentSlug: "x/" }, "BAD_USER_INPUT", "input.deploymentSlug"],
    ["an unknown slug", { deploymentSlug: "runs/nope" }, "NOT_FOUND", "input.deploymentSlug"],
    ["an unknown flow in the slug", { deploymentSlug: "nope/enforced" }, "NOT_FOUND", "input.deploymentSlug"],
  ])("%s", async (_name, input, code, field) => {
    await expectRejected(CREATE, create(input), { code, field });
  });

  it("parameters failing the enforced schema: VALIDATION_FAILED listing every failing field, no run written", async () => {
    const error = await expectRejected(CREATE, bySlug({ parameters: { n: "one", s: 5, when: "yesterday-ish" } }), {
      code: "VALIDATION_FAILED",
      field: "input.parameters",
    });
    const issues = error.extensions!.errors as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(["/n", "/s", "/when"]);
    for (const issue of issues) expect(issue.message).toEqual(expect.any(String));
    expect(error.message).toMatch(/\/n/);
  });

  it("a missing required parameter is named at its own pointer", async () => {
    const error = await expectRejected(CREATE, bySlug({ parameters: { s: "x" } }), {
      code: "VALIDATION_FAILED",
      field: "input.parameters",
    });
    expect(error.extensions!.errors).toEqual([{ path: "/n", message: expect.stringMatching(/required/) }]);
  });

  it("the deployment's own defaults are validated after the merge", async () => {
    // s comes from the deployment; overriding it with a number fails on /s alone
    const error = await expectRejected(CREATE, bySlug({ parameters: { n: 2, s: 3 } }), { code: "VALIDATION_FAILED" });
    expect((error.extensions!.errors as Array<{ path: string }>).map((i) => i.path)).toEqual(["/s"]);
  });

  it.each([
    ["parameters that are a list", { parameters: [1, 2] }, "input.parameters"],
    ["parameters that are a string", { parameters: "x" }, "input.parameters"],
    ["jobVariables that are not an object", { jobVariables: 5 }, "input.jobVariables"],
    ["retries -1", { retries: -1 }, "input.retries"],
    ["retryDelaySeconds -1", { retryDelaySeconds: -1 }, "input.retryDelaySeconds"],
    ["an empty tag", { tags: ["ok", " "] }, "input.tags[1]"],
    ["a first state that is RUNNING", { state: { type: "RUNNING" } }, "input.state.type"],
    [
      "a PENDING first state with a scheduledStartTime",
      { state: { type: "PENDING" }, scheduledStartTime: "2030-01-01T00:00:00Z" },
      "input.scheduledStartTime",
    ],
    [
      "a PENDING first state with a scheduledTime",
      { state: { type: "PENDING", scheduledTime: "2030-01-01T00:00:00Z" } },
      "input.state.scheduledTime",
    ],
    [
      "a SCHEDULED first state whose time disagrees with scheduledStartTime",
      {
        state: { type: "SCHEDULED", scheduledTime: "2030-01-01T00:00:00Z" },
        scheduledStartTime: "2031-01-01T00:00:00Z",
      },
      "input.state.scheduledTime",
    ],
  ])("%s: BAD_USER_INPUT", async (_name, extra, field) => {
    await expectRejected(CREATE, bySlug({ parameters: { n: 1 }, ...extra }), { code: "BAD_USER_INPUT", field });
  });

  it("workQueueName on a deployment without a work pool: BAD_USER_INPUT", async () => {
    await expectRejected(CREATE, create({ deploymentSlug: "runs/no-pool", workQueueName: "q" }), {
      code: "BAD_USER_INPUT",
      field: "input.workQueueName",
    });
  });

  it.each([["not a date"], ["2024-13-45T00:00:00Z"], [12]])(
    "scheduledStartTime %j (variables): BAD_USER_INPUT",
    async (when) => {
      await expectRejected(CREATE, bySlug({ parameters: { n: 1 }, scheduledStartTime: when }), {
        code: "BAD_USER_INPUT",
        field: "input.scheduledStartTime",
      });
    },
  );

  it("retries that is not an Int (variables): BAD_USER_INPUT", async () => {
    await expectRejected(CREATE, bySlug({ parameters: { n: 1 }, retries: "many" }), {
      code: "BAD_USER_INPUT",
      field: "input.retries",
    });
  });
});

describe("NUL characters (PostgreSQL cannot store them): BAD_USER_INPUT on both databases", () => {
  it.each([
    ["createFlowRun parameters", CREATE, bySlug({ parameters: { n: 1, s: "\u0000" } }), "input.parameters.s"],
    ["createFlowRun name", CREATE, bySlug({ parameters: { n: 1 }, name: "r\u0000" }), "input.name"],
    ["createFlowRun deploymentSlug", CREATE, create({ deploymentSlug: "runs/enf\u0000orced" }), "input.deploymentSlug"],
    ["createFlowRun deploymentId", CREATE, create({ deploymentId: "\u0000" }), "input.deploymentId"],
    [
      "setFlowRunState flowRunId",
      SET_STATE,
      { input: { flowRunId: "run\u0000", state: { type: "PENDING" } } },
      "input.flowRunId",
    ],
    [
      "setFlowRunState message",
      SET_STATE,
      { input: { flowRunId: "RUN", state: { type: "PENDING", message: "m\u0000" } } },
      "input.state.message",
    ],
    [
      "createLogs message",
      LOGS,
      {
        logs: [
          { flowRunId: "RUN", level: 20, message: "ok" },
          { flowRunId: "RUN", level: 20, message: "a\u0000b" },
        ],
      },
      "logs[1].message",
    ],
  ])("%s", async (_name, query, variables, field) => {
    // "RUN" stands for the existing run, whose id is only known once beforeAll has run
    const filled = JSON.parse(JSON.stringify(variables).replaceAll('"flowRunId":"RUN"', `"flowRunId":"${runId}"`));
    await expectRejected(query, filled, { code: "BAD_USER_INPUT", field });
  });

  it("a NUL character in a query argument", async () => {
    await expectRejected(
      "query Run($id: ID!) { flowRun(id: $id) { id } }",
      { id: "\u0000" },
      { code: "BAD_USER_INPUT", field: "id" },
    );
  });
});

describe("setFlowRunState", () => {
  it("an unknown flowRunId: NOT_FOUND", async () => {
    await expectRejected(
      SET_STATE,
      { input: { flowRunId: "00000000-0000-4000-8000-000000000000", state: { type: "PENDING" } } },
      {
        code: "NOT_FOUND",
        field: "input.flowRunId",
      },
    );
  });

  it("state type NOPE (variables): BAD_USER_INPUT", async () => {
    await expectRejected(
      SET_STATE,
      { input: { flowRunId: runId, state: { type: "NOPE" } } },
      { code: "BAD_USER_INPUT", field: "input.state.type" },
    );
  });

  it("state type NOPE inline: GRAPHQL_VALIDATION_FAILED (a literal, rejected by validation)", async () => {
    const query = `mutation { setFlowRunState(input: { flowRunId: "${runId}", state: { type: NOPE } }) { status } }`;
    await expectRejected(query, undefined, { code: "GRAPHQL_VALIDATION_FAILED" });
  });

  it("scheduledTime on a RUNNING proposal: BAD_USER_INPUT", async () => {
    await expectRejected(
      SET_STATE,
      { input: { flowRunId: runId, state: { type: "RUNNING", scheduledTime: "2030-01-01T00:00:00Z" } } },
      {
        code: "BAD_USER_INPUT",
        field: "input.state.scheduledTime",
      },
    );
  });

  it("a pauseTimeout that is not a DateTime: BAD_USER_INPUT", async () => {
    await expectRejected(
      SET_STATE,
      { input: { flowRunId: runId, state: { type: "PAUSED", details: { pauseTimeout: "soon" } } } },
      {
        code: "BAD_USER_INPUT",
        field: "input.state.details.pauseTimeout",
      },
    );
  });
});

describe("createLogs", () => {
  const line = (extra: Record<string, unknown> = {}) => ({ flowRunId: runId, level: 20, message: "m", ...extra });

  it("an unknown flowRunId: NOT_FOUND, and the good lines of the batch are not written either", async () => {
    const logs = [line(), line({ flowRunId: "00000000-0000-4000-8000-000000000000" })];
    await expectRejected(LOGS, { logs }, { code: "NOT_FOUND", field: "logs[1].flowRunId" });
  });

  it.each([[1000], [-1], [101]])("level %d: BAD_USER_INPUT", async (level) => {
    await expectRejected(LOGS, { logs: [line(), line({ level })] }, { code: "BAD_USER_INPUT", field: "logs[1].level" });
  });

  it("more than 1,000 lines: BAD_USER_INPUT", async () => {
    const logs = Array.from({ length: 1001 }, (_, i) => line({ message: `m${i}` }));
    await expectRejected(LOGS, { logs }, { code: "BAD_USER_INPUT", field: "logs" });
  });

  it("a timestamp that is not a DateTime: BAD_USER_INPUT", async () => {
    await expectRejected(
      LOGS,
      { logs: [line({ timestamp: "noon" })] },
      { code: "BAD_USER_INPUT", field: "logs[0].timestamp" },
    );
  });

  it("exactly 1,000 lines are accepted (the limit is not off by one)", async () => {
    const before = await t.app.database.client.log.count();
    const logs = Array.from({ length: 1000 }, (_, i) => line({ message: `m${i}` }));
    expect((await t.ok(LOGS, { logs })).createLogs).toBe(1000);
    expect(await t.app.database.client.log.count()).toBe(before + 1000);
  });
});
