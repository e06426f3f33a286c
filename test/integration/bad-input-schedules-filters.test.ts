// Issue 12's schedule and filter findings as regression tests, on SQLite and PostgreSQL: intervals
// that made the candidate loop spin (1e-9 s) or produce nonsense (1e12, 1e308, 0, negative,
// non-finite) are refused with BAD_USER_INPUT naming the field, quickly and with nothing written;
// a bad schedule already stored does not hang the scheduler, in-process or in a restarted server;
// previewSchedule's count is bounded; and read filters match `%`, `_`, `\` and case literally.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SCHEDULE_LIMITS } from "../../src/schedules/schedule-limits.js";
import { eventually } from "../harness/eventually.js";
import { rejectionChecker, tableCounts } from "../harness/rejections.js";
import { adminHeaders } from "../harness/server-homes.js";
import { startServer, waitForUrl } from "../harness/server-process.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

/** A hang detector, not a speed requirement: the 2 s (a spinning loop took minutes). */
const CALL_MS = 2000;

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) { applyDeployment(input: $input) { created deployment { id } } }
`);
const PREVIEW = graphql(`
  query Preview($schedule: ScheduleInput!, $count: Int) { previewSchedule(schedule: $schedule, count: $count) }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The app as rejectionChecker sees it, with every request timed. */
const timedApp = (): TestApp => ({
  ...t,
  gql: (async (query: string, variables?: Record<string, unknown>) => {
    const started = performance.now();
    const res = await t.gql(query, variables);
    expect(performance.now() - started, "answer time (ms)").toBeLessThan(CALL_MS);
    return res;
  }) as TestApp["gql"],
});
const expectRejected = rejectionChecker(timedApp, () => tableCounts(t));

const BAD_INTERVALS: Array<[string, number]> = [
  ["1e-9 (the loop that spun: k + 1 === k)", 1e-9],
  ["0.5 (below one second)", 0.5],
  ["1e12 (31,700 years)", 1e12],
  ["1e308 (dates become NaN)", 1e308],
  ["one second past 100 years", SCHEDULE_LIMITS.maxIntervalSeconds + 1],
  ["0", 0],
  ["-1", -1],
  ["-1e-9", -1e-9],
];
// GraphQL literals that JSON variables cannot carry: graphql-js reads 1e400 as Infinity, 1e-400 as 0
const BAD_LITERALS = ["1e400", "-1e400", "1e-400"];

describe("applyDeployment refuses intervals outside 1 second to 100 years", () => {
  const field = "input.schedules[0].schedule.interval.interval";
  const input = (interval: unknown) => ({
    input: { flowName: "bad-interval", name: "d", schedules: [{ schedule: { interval: { interval } } }] },
  });

  it.each(BAD_INTERVALS)("%s", async (_name, interval) => {
    const error = await expectRejected(APPLY, input(interval), { code: "BAD_USER_INPUT", field });
    expect(error.message).toMatch(/1 second to 100 years/);
  });

  it.each(BAD_LITERALS)("the literal %s", async (literal) => {
    const query = `mutation { applyDeployment(input: { flowName: "bad-interval", name: "d", schedules: [{ schedule: { interval: { interval: ${literal} } } }] }) { created } }`;
    await expectRejected(query, undefined, { code: "BAD_USER_INPUT", field });
  });

  it.each(["NaN", "Infinity"])("the string %j in variables (not a Float)", async (text) => {
    await expectRejected(APPLY, input(text), { code: "BAD_USER_INPUT", field });
  });

  it("accepts both bounds", async () => {
    const r = await t.ok(APPLY, {
      input: {
        flowName: "bounds",
        name: "d",
        schedules: [
          { schedule: { interval: { interval: 1 } } },
          { schedule: { interval: { interval: SCHEDULE_LIMITS.maxIntervalSeconds } } },
        ],
      },
    });
    expect(r.applyDeployment.created).toBe(true);
  });
});

describe("previewSchedule refuses the same intervals and more than 1,000 dates", () => {
  const field = "schedule.interval.interval";

  it.each(BAD_INTERVALS)("%s", async (_name, interval) => {
    await expectRejected(PREVIEW, { schedule: { interval: { interval } } }, { code: "BAD_USER_INPUT", field });
  });

  it.each(BAD_LITERALS)("the literal %s", async (literal) => {
    await expectRejected(`{ previewSchedule(schedule: { interval: { interval: ${literal} } }) }`, undefined, {
      code: "BAD_USER_INPUT",
      field,
    });
  });

  it.each([1001, 0, -1, 2 ** 31 - 1])("count %d", async (count) => {
    const error = await expectRejected(
      PREVIEW,
      { schedule: { interval: { interval: 60 } }, count },
      { code: "BAD_USER_INPUT", field: "count" },
    );
    expect(error.message).toMatch(/1 to 1000/);
  });

  it("1,000 dates at either bound answer at once", async () => {
    for (const interval of [SCHEDULE_LIMITS.minIntervalSeconds, SCHEDULE_LIMITS.maxIntervalSeconds]) {
      const res = await timedApp().gql(PREVIEW, { schedule: { interval: { interval } }, count: 1000 });
      expect(res.errors).toBeUndefined();
      const dates = res.data!.previewSchedule;
      expect(dates).toHaveLength(1000);
      expect(Date.parse(dates[1]!) - Date.parse(dates[0]!)).toBe(interval * 1000);
    }
  });
});

describe("a bad schedule already in the database (written before these checks)", () => {
  const STORED_BAD: Array<[string, unknown]> = [
    ["1e-9", { kind: "interval", interval: 1e-9, anchorDate: "2020-01-01T00:00:00.000Z", timezone: "UTC" }],
    ["1e308", { kind: "interval", interval: 1e308, anchorDate: "2020-01-01T00:00:00.000Z", timezone: "UTC" }],
    ["1e12", { kind: "interval", interval: 1e12, anchorDate: "2020-01-01T00:00:00.000Z", timezone: "UTC" }],
    ["corrupt", { kind: "weekly", day: 1, timezone: "UTC" }],
  ];
  let good: string;
  const bad = new Map<string, string>(); // scheduleKey → label
  const badDeployments: string[] = [];

  beforeAll(async () => {
    const db = t.app.database.client;
    good = (
      await t.ok(APPLY, {
        input: { flowName: "stored", name: "good", schedules: [{ schedule: { interval: { interval: 3600 } } }] },
      })
    ).applyDeployment.deployment.id;
    for (const [i, [label, schedule]] of STORED_BAD.entries()) {
      const schedules = [{ slug: `bad${i}`, schedule: { interval: { interval: 60 } } }];
      const id = (await t.ok(APPLY, { input: { flowName: "stored", name: `bad-${label}`, schedules } })).applyDeployment
        .deployment.id;
      const row = await db.deploymentSchedule.findFirstOrThrow({ where: { deploymentId: id } });
      await db.deploymentSchedule.update({ where: { id: row.id }, data: { schedule: schedule as object } });
      bad.set(row.scheduleKey, label);
      badDeployments.push(id);
    }
  });

  it("is skipped with its reason while every other schedule is served, pass after pass", async () => {
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      const result = await t.app.services.scheduling.schedule();
      expect(performance.now() - started, "pass time (ms)").toBeLessThan(2000);
      const skipped = new Map(result.skipped.map((s) => [s.scheduleKey, s.reason]));
      expect([...skipped.keys()].sort()).toEqual([...bad.keys()].sort());
      for (const [key, label] of bad)
        expect(skipped.get(key), label).toMatch(label === "corrupt" ? /unknown kind/ : /outside 1 second to 100 years/);
    }
    const db = t.app.database.client;
    expect(await db.flowRun.count({ where: { deploymentId: good, autoScheduled: true } })).toBeGreaterThanOrEqual(3);
    expect(await db.flowRun.count({ where: { deploymentId: { in: badDeployments } } })).toBe(0);
  });

  it("and reading the deployment still shows it, so it can be fixed", async () => {
    const r = await t.ok(
      graphql(
        `{ deployment(slug: "stored/bad-1e-9") { schedules { schedule { ... on IntervalSchedule { interval } } } } }`,
      ),
    );
    expect(r.deployment.schedules).toEqual([{ schedule: { interval: 1e-9 } }]);
  });

  // a spinning loop is in JavaScript, not in the database: one server process (on SQLite) proves it
  it.skipIf(inject("provider") === "postgresql")(
    "a server restarted on that database keeps answering and scheduling, and stops cleanly",
    async () => {
      // the real entry point with its background loops, on this database and home (same secrets key)
      const server = startServer({
        ORDO_DATABASE_URL: t.databaseUrl,
        ORDO_HOME: t.home,
        ORDO_MIGRATE: "false",
        ORDO_GRAPHIQL: "false",
        ORDO_LOG_LEVEL: "info", // waitForUrl reads the "ready at" line
        ORDO_SCHEDULER_LOOP_SECONDS: "1",
        ORDO_SCHEDULER_RECENT_LOOP_SECONDS: "1",
      });
      try {
        const url = await waitForUrl(server);
        const warned = () => [...bad.keys()].every((key) => server.output().includes(`skipped schedule ${key}`));
        await eventually(warned, {
          timeoutMs: 15_000,
          what: () => `a warning for each bad schedule:\n${server.output()}`,
        });
        for (const key of bad.keys()) expect(server.output()).toContain(`skipped schedule ${key}`);
        // each scheduler pass warns again: the count tells that a pass ran
        const passes = () => server.output().split("skipped schedule ").length;
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...adminHeaders(t.home) },
            body: JSON.stringify({ query: `{ deployments(filter: { flowName: "stored" }) { totalCount } }` }),
            signal: AbortSignal.timeout(2000),
          });
          expect(await res.json()).toEqual({ data: { deployments: { totalCount: 1 + STORED_BAD.length } } });
          expect(performance.now() - started).toBeLessThan(CALL_MS);
          // across scheduler passes: the next call only once another pass has run (and warned)
          const seen = passes();
          await eventually(() => passes() > seen, {
            timeoutMs: 15_000,
            what: () => `another scheduler pass:\n${server.output()}`,
          });
        }
      } finally {
        server.child.kill("SIGTERM");
      }
      expect(await server.exited).toBe(0);
    },
    60_000,
  );
});

describe("read filters match text literally and case-sensitively on both databases", () => {
  const DEPLOYMENTS = graphql(
    `query($filter: DeploymentFilter) { deployments(filter: $filter, first: 50) { totalCount edges { node { name } } } }`,
  );
  const RUNS = graphql(
    `query($filter: FlowRunFilter) { flowRuns(filter: $filter, first: 50) { totalCount edges { node { deployment { name } } } } }`,
  );
  // through the API (names may not contain % any more, tags may), one run each
  const APPLIED: Array<[string, string[]]> = [
    ["Alpha", ["Prod"]],
    ["alpha-lower", ["prod"]],
    ["a_b", ["a_b"]],
    ["axb", ["axb"]],
    ["back\\slash", ["a%b", "x\\y"]],
  ];
  // as a version before the naming rules could have stored it
  const LEGACY = "legacy%name";

  beforeAll(async () => {
    for (const [name, tags] of APPLIED) {
      await t.ok(APPLY, { input: { flowName: "filters", name, tags } });
      await t.ok(graphql(`mutation($slug: String!) { createFlowRun(input: { deploymentSlug: $slug }) { id } }`), {
        slug: `filters/${name}`,
      });
    }
    const db = t.app.database.client;
    const flow = await db.flow.findUniqueOrThrow({ where: { name: "filters" } });
    await db.deployment.create({ data: { flowId: flow.id, name: LEGACY, updated: t.clock.now() } });
  });

  const deployments = async (filter: Record<string, unknown>) => {
    const r = await t.ok(DEPLOYMENTS, { filter: { flowName: "filters", ...filter } });
    const names = r.deployments.edges.map((e: { node: { name: string } }) => e.node.name).sort();
    expect(r.deployments.totalCount).toBe(names.length);
    return names;
  };
  const runsOf = async (tags: string[]) => {
    const r = await t.ok(RUNS, { filter: { tags } });
    const names = r.flowRuns.edges
      .map((e: { node: { deployment: { name: string } } }) => e.node.deployment.name)
      .sort();
    expect(r.flowRuns.totalCount).toBe(names.length);
    return names;
  };

  it.each<[string, string[]]>([
    ["%", [LEGACY]],
    ["_", ["a_b"]],
    ["a_b", ["a_b"]],
    ["a%b", []],
    ["\\", ["back\\slash"]],
    ["\\%", []],
    ["Alpha", ["Alpha"]],
    ["alpha", ["alpha-lower"]],
    ["ALPHA", []],
    ["pha", ["Alpha", "alpha-lower"]],
  ])("deployments nameContains %j", async (text, expected) => {
    expect(await deployments({ nameContains: text })).toEqual(expected);
  });

  it.each<[string[], string[]]>([
    [["%"], []],
    [["_"], []],
    [["a_b"], ["a_b"]],
    [["a%b"], ["back\\slash"]],
    [["a%"], []],
    [["x\\y"], ["back\\slash"]],
    [["Prod"], ["Alpha"]],
    [["prod"], ["alpha-lower"]],
    [["PROD"], []],
    [["pro"], []], // whole tags only
    [["a_b", "axb"], []], // every tag must be there
    [["a%b|x\\y"], []], // "|" cannot join two stored tags into one
  ])("deployments and flow runs with tags %j", async (tags, expected) => {
    expect(await deployments({ tags })).toEqual(expected);
    expect(await runsOf(tags)).toEqual(expected);
  });
});
