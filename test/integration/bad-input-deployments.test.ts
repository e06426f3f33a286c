// Bad input to applyDeployment (and malformed GraphQL) through GraphQL on a real database
// (DESIGN invariant 8): each gets a GraphQL error with the contract's extensions.code, the offending
// field in extensions.field, a message without stack or SQL, and leaves the database unchanged.
// Flow runs, states and logs: bad-input-flow-runs.test.ts; shared assertions: harness/rejections.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionChecker, tableCounts } from "../harness/rejections.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) {
    applyDeployment(input: $input) { created deployment { id } }
  }
`);

const DEPLOYMENT = graphql(`
  query Deployment($slug: String!) {
    deployment(slug: $slug) {
      id slug name version description paused parameters parameterOpenapiSchema enforceParameterSchema
      tags path entrypoint pullSteps jobVariables workQueueName concurrencyLimit storagePath updated created
      workPool { name } workQueue { name } storageDocument { id } infrastructureDocument { id }
      schedules {
        id slug active parameters
        schedule {
          __typename
          ... on IntervalSchedule { interval anchorDate timezone }
          ... on CronSchedule { cron timezone dayOr }
          ... on RRuleSchedule { rrule timezone }
        }
      }
    }
  }
`);

let t: TestApp;
let existingId: string;

/** Row counts of every table, plus the write stamps of the existing deployment and its schedules. */
async function snapshot() {
  const db = t.app.database.client;
  const counts = await tableCounts(t);
  const d = await db.deployment.findUniqueOrThrow({
    where: { id: existingId },
    select: {
      updated: true,
      scheduleChangedAt: true,
      schedules: { select: { id: true, updated: true }, orderBy: { position: "asc" } },
    },
  });
  return {
    counts,
    existing: {
      updated: d.updated.toISOString(),
      scheduleChangedAt: d.scheduleChangedAt.toISOString(),
      schedules: d.schedules.map((s) => `${s.id}@${s.updated.toISOString()}`),
    },
  };
}

const expectRejected = rejectionChecker(() => t, snapshot);

/** A new deployment (flow "bad" does not exist yet, so even the flow must not be written). */
function fresh(extra: Record<string, unknown>) {
  return { input: { flowName: "bad", name: "input", ...extra } };
}

function oneSchedule(schedule: Record<string, unknown>, more: Record<string, unknown> = {}) {
  return fresh({ schedules: [{ schedule, ...more }] });
}

const EXISTING = {
  flowName: "base",
  name: "existing",
  version: "1",
  description: "keeps its shape",
  tags: ["prod"],
  parameters: { n: 1 },
  workPoolName: "pool-a",
  workQueueName: "q1",
  concurrencyLimit: 3,
  schedules: [
    { slug: "hourly", schedule: { interval: { interval: 3600 } } },
    { schedule: { cron: { cron: "0 3 * * *", timezone: "Europe/Berlin" } }, parameters: { n: 2 } },
    { schedule: { rrule: { rrule: "FREQ=WEEKLY;BYDAY=MO" } } },
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  const applied = await t.ok(APPLY, { input: EXISTING });
  existingId = applied.applyDeployment.deployment.id;
});
afterAll(async () => {
  await t.close();
});

describe("applyDeployment: bad schedules get BAD_USER_INPUT naming the field", () => {
  const s = "input.schedules[0]";
  const LONG_RRULE = `FREQ=DAILY;BYHOUR=${Array.from({ length: 2600 }, (_, i) => i % 24).join(",")}`;
  const cases: Array<[string, ReturnType<typeof oneSchedule>, string]> = [
    ["interval 0", oneSchedule({ interval: { interval: 0 } }), `${s}.schedule.interval.interval`],
    ["interval -1", oneSchedule({ interval: { interval: -1 } }), `${s}.schedule.interval.interval`],
    ["cron minute 61", oneSchedule({ cron: { cron: "61 * * * *" } }), `${s}.schedule.cron.cron`],
    ["cron 'not a cron'", oneSchedule({ cron: { cron: "not a cron" } }), `${s}.schedule.cron.cron`],
    ["rrule FREQ=NOPE", oneSchedule({ rrule: { rrule: "FREQ=NOPE" } }), `${s}.schedule.rrule.rrule`],
    ["rrule over 6,500 characters", oneSchedule({ rrule: { rrule: LONG_RRULE } }), `${s}.schedule.rrule.rrule`],
    [
      "interval timezone Mars/Phobos",
      oneSchedule({ interval: { interval: 60, timezone: "Mars/Phobos" } }),
      `${s}.schedule.interval.timezone`,
    ],
    [
      "cron timezone Mars/Phobos",
      oneSchedule({ cron: { cron: "0 * * * *", timezone: "Mars/Phobos" } }),
      `${s}.schedule.cron.timezone`,
    ],
    [
      "rrule timezone Mars/Phobos",
      oneSchedule({ rrule: { rrule: "FREQ=DAILY", timezone: "Mars/Phobos" } }),
      `${s}.schedule.rrule.timezone`,
    ],
    ["slug 'Bad Slug!'", oneSchedule({ interval: { interval: 60 } }, { slug: "Bad Slug!" }), `${s}.slug`],
  ];
  it.each(cases)("%s", async (_name, variables, field) => {
    const error = await expectRejected(APPLY, variables, { code: "BAD_USER_INPUT", field });
    expect(error.message.length).toBeLessThan(500);
  });

  it("names the rrule's length without echoing all of it", async () => {
    expect(LONG_RRULE.length).toBeGreaterThan(6500);
    const error = await expectRejected(APPLY, oneSchedule({ rrule: { rrule: LONG_RRULE } }), {
      code: "BAD_USER_INPUT",
    });
    expect(error.message).toMatch(/6500/);
  });

  // The same malformed ScheduleInput through variables (coercion: BAD_USER_INPUT naming the field)
  // and inline in the document (graphql-js validation, which yoga answers before any resolver or
  // error mask runs: GRAPHQL_VALIDATION_FAILED, the Apollo/yoga convention for literals).
  it.each([
    ["two kinds (@oneOf)", { interval: { interval: 60 }, cron: { cron: "0 * * * *" } }, "input.schedules[0].schedule"],
    ["no kind (@oneOf)", {}, "input.schedules[0].schedule"],
    ["a kind given as null (@oneOf)", { cron: null }, "input.schedules[0].schedule.cron"],
    ["an interval that is a string", { interval: { interval: "x" } }, "input.schedules[0].schedule.interval.interval"],
    ["an unknown kind", { weekly: { day: 1 } }, "input.schedules[0].schedule"],
  ])("%s: BAD_USER_INPUT in variables, GRAPHQL_VALIDATION_FAILED inline", async (_name, schedule, field) => {
    await expectRejected(APPLY, oneSchedule(schedule), { code: "BAD_USER_INPUT", field });
    const literal = JSON.stringify(schedule).replace(/"(\w+)":/g, "$1:");
    const query = `mutation { applyDeployment(input: { flowName: "bad", name: "input", schedules: [{ schedule: ${literal} }] }) { created } }`;
    const error = await expectRejected(query, undefined, { code: "GRAPHQL_VALIDATION_FAILED" });
    expect(error).toHaveProperty("locations");
  });

  it("a missing required input field", async () => {
    await expectRejected(APPLY, { input: { flowName: "bad" } }, { code: "BAD_USER_INPUT", field: "input" });
    await expectRejected(`mutation { applyDeployment(input: { flowName: "bad" }) { created } }`, undefined, {
      code: "GRAPHQL_VALIDATION_FAILED",
    });
  });

  it("the same definition twice without slug", async () => {
    const schedule = { cron: { cron: "0 9 * * *" } };
    const variables = fresh({ schedules: [{ schedule }, { schedule: { interval: { interval: 60 } } }, { schedule }] });
    await expectRejected(APPLY, variables, { code: "BAD_USER_INPUT", field: "input.schedules[2].schedule" });
  });

  it("the same definition twice, spelled with different whitespace", async () => {
    const variables = fresh({
      schedules: [{ schedule: { cron: { cron: "0 9 * * *" } } }, { schedule: { cron: { cron: " 0  9 * * * " } } }],
    });
    await expectRejected(APPLY, variables, { code: "BAD_USER_INPUT", field: "input.schedules[1].schedule" });
  });

  it("the same slug twice", async () => {
    const variables = fresh({
      schedules: [
        { slug: "daily", schedule: { cron: { cron: "0 9 * * *" } } },
        { slug: "daily", schedule: { interval: { interval: 86400 } } },
      ],
    });
    await expectRejected(APPLY, variables, { code: "BAD_USER_INPUT", field: "input.schedules[1].slug" });
  });
});

describe("applyDeployment: other bad fields", () => {
  it("a parameterOpenapiSchema that is no JSON Schema: VALIDATION_FAILED listing every failing keyword", async () => {
    const error = await expectRejected(APPLY, fresh({ parameterOpenapiSchema: { type: "nope", properties: 5 } }), {
      code: "VALIDATION_FAILED",
      field: "input.parameterOpenapiSchema",
    });
    const issues = error.extensions!.errors as Array<{ path: string; message: string }>;
    for (const issue of issues) {
      expect(issue.path).toMatch(/^(\/.*)?$/);
      expect(typeof issue.message).toBe("string");
    }
    const paths = new Set(issues.map((i) => i.path));
    expect(paths).toContain("/type");
    expect(paths).toContain("/properties");
  });

  it.each([
    [{ type: "nope" }, "/type"],
    [{ properties: 5 }, "/properties"],
    [{ type: "object", properties: { n: { type: "integer", minimum: "zero" } } }, "/properties/n/minimum"],
  ])("parameterOpenapiSchema %j is VALIDATION_FAILED at %s", async (schema, path) => {
    const error = await expectRejected(APPLY, fresh({ parameterOpenapiSchema: schema }), {
      code: "VALIDATION_FAILED",
      field: "input.parameterOpenapiSchema",
    });
    expect((error.extensions!.errors as Array<{ path: string }>).map((i) => i.path)).toContain(path);
  });

  it.each([[[1, 2]], ["x"], [5]])(
    "parameters %j (not an object): BAD_USER_INPUT input.parameters",
    async (parameters) => {
      await expectRejected(APPLY, fresh({ parameters }), { code: "BAD_USER_INPUT", field: "input.parameters" });
    },
  );

  it("schedule parameters that are not an object", async () => {
    await expectRejected(APPLY, oneSchedule({ interval: { interval: 60 } }, { parameters: [1] }), {
      code: "BAD_USER_INPUT",
      field: "input.schedules[0].parameters",
    });
  });

  it.each([
    ["flowName with /", { flowName: "a/b" }, "input.flowName"],
    ["empty name", { name: "" }, "input.name"],
    ["blank name", { name: "   " }, "input.name"],
    ["concurrencyLimit 0", { concurrencyLimit: 0 }, "input.concurrencyLimit"],
    ["storageBlock with one part", { storageBlock: "justone" }, "input.storageBlock"],
    ["infrastructureBlock with a sub path", { infrastructureBlock: "process/x/extra" }, "input.infrastructureBlock"],
    ["empty tag", { tags: ["ok", ""] }, "input.tags[1]"],
    ["jobVariables not an object", { jobVariables: "x" }, "input.jobVariables"],
    ["pullSteps not a list", { pullSteps: { a: 1 } }, "input.pullSteps"],
  ])("%s: BAD_USER_INPUT", async (_name, extra, field) => {
    await expectRejected(APPLY, fresh(extra), { code: "BAD_USER_INPUT", field });
  });

  it.each([
    ["storageBlock", "no-such-type/none"],
    ["storageBlock", "no-such-type/none/sub/path"],
    ["storageBlock", "00000000-0000-4000-8000-000000000000"],
    ["infrastructureBlock", "process/none"],
  ])("%s %s that does not exist: NOT_FOUND", async (key, ref) => {
    await expectRejected(APPLY, fresh({ [key]: ref }), { code: "NOT_FOUND", field: `input.${key}` });
  });

  // PostgreSQL cannot store U+0000 (SQLite can): both must answer BAD_USER_INPUT, not a masked SQL error
  it.each([
    [{ flowName: "a\u0000b" }, "input.flowName"],
    [{ description: "d\u0000" }, "input.description"],
    [{ tags: ["ok", "t\u0000"] }, "input.tags[1]"],
    [{ parameters: { a: { b: ["x\u0000"] } } }, "input.parameters.a.b[0]"],
    [{ jobVariables: { "k\u0000": 1 } }, "input.jobVariables.k\\u0000"],
    [{ workPoolName: "p\u0000" }, "input.workPoolName"],
    [{ schedules: [{ slug: "s\u0000", schedule: { interval: { interval: 60 } } }] }, "input.schedules[0].slug"],
  ])("a NUL character in %j: BAD_USER_INPUT", async (extra, field) => {
    const error = await expectRejected(APPLY, fresh(extra), { code: "BAD_USER_INPUT", field });
    expect(error.message).toMatch(/NUL/);
  });

  it("a NUL character in a lookup argument: BAD_USER_INPUT", async () => {
    await expectRejected(DEPLOYMENT, { slug: "base/exi\u0000sting" }, { code: "BAD_USER_INPUT", field: "slug" });
  });

  it("a concurrencyLimit that is not an Int (variables): BAD_USER_INPUT", async () => {
    await expectRejected(APPLY, fresh({ concurrencyLimit: 1.5 }), {
      code: "BAD_USER_INPUT",
      field: "input.concurrencyLimit",
    });
  });
});

describe("applyDeployment: a bad re-apply leaves the existing deployment untouched", () => {
  const read = async () => (await t.ok(DEPLOYMENT, { slug: "base/existing" })).deployment;
  const changes: Array<[string, Record<string, unknown>, string, string]> = [
    [
      "one bad schedule among good ones",
      { schedules: [EXISTING.schedules[0], { schedule: { cron: { cron: "61 * * * *" } } }] },
      "BAD_USER_INPUT",
      "input.schedules[1].schedule.cron.cron",
    ],
    [
      "a bad timezone on a kept schedule",
      { schedules: [{ slug: "hourly", schedule: { interval: { interval: 3600, timezone: "Mars/Phobos" } } }] },
      "BAD_USER_INPUT",
      "input.schedules[0].schedule.interval.timezone",
    ],
    [
      "a missing storage block",
      { schedules: [], storageBlock: "no-such-type/none" },
      "NOT_FOUND",
      "input.storageBlock",
    ],
    [
      "a broken parameter schema",
      { schedules: [], parameterOpenapiSchema: { type: "nope" } },
      "VALIDATION_FAILED",
      "input.parameterOpenapiSchema",
    ],
    ["an empty work queue name", { schedules: [], workQueueName: " " }, "BAD_USER_INPUT", "input.workQueueName"],
  ];
  it.each(changes)("%s", async (_name, change, code, field) => {
    const before = await read();
    expect(before.schedules).toHaveLength(3);
    // everything else changes too, so any partial write would show
    const input = {
      ...EXISTING,
      version: "2",
      description: "changed",
      tags: ["x"],
      parameters: { n: 9 },
      paused: true,
      concurrencyLimit: 7,
      ...change,
    };
    await expectRejected(APPLY, { input }, { code, field });
    expect(await read()).toEqual(before);
  });
});

describe("malformed GraphQL gets a code too", () => {
  it("a syntax error: GRAPHQL_PARSE_FAILED", async () => {
    await expectRejected("mutation { applyDeployment(input: { flowName: ", undefined, { code: "GRAPHQL_PARSE_FAILED" });
  });

  it("an unknown field: GRAPHQL_VALIDATION_FAILED", async () => {
    await expectRejected('query { deployment(slug: "base/existing") { id noSuchField } }', undefined, {
      code: "GRAPHQL_VALIDATION_FAILED",
    });
  });

  it("an unknown argument: GRAPHQL_VALIDATION_FAILED", async () => {
    await expectRejected("query { deployment(nope: 1) { id } }", undefined, { code: "GRAPHQL_VALIDATION_FAILED" });
  });

  it("a missing required variable: BAD_USER_INPUT", async () => {
    await expectRejected(APPLY, {}, { code: "BAD_USER_INPUT", field: "input" });
  });
});

describe("the unchanged-database check is not vacuous", () => {
  it("sees a good re-apply move the existing deployment's stamps, and a new deployment move the counts", async () => {
    const before = await snapshot();
    t.clock.advance(5);
    await t.ok(APPLY, { input: { ...EXISTING, description: "changed for real" } });
    const afterUpdate = await snapshot();
    expect(afterUpdate.counts).toEqual(before.counts);
    expect(afterUpdate.existing.updated).not.toBe(before.existing.updated);
    await t.ok(APPLY, fresh({ schedules: [{ schedule: { interval: { interval: 60 } } }] }));
    const afterCreate = await snapshot();
    expect(afterCreate.counts).toMatchObject({
      flow: before.counts.flow + 1,
      deployment: before.counts.deployment + 1,
    });
  });
});
