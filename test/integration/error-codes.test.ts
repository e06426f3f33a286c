// Error codes a client can act on (issue 12), on both databases: text no database can store (a
// lone surrogate) is BAD_USER_INPUT naming the field; paging arguments out of range are
// BAD_USER_INPUT; a literal that fails coercion names its argument path; and a database that cannot
// serve answers SERVICE_UNAVAILABLE with HTTP 503 — never INTERNAL_SERVER_ERROR — and recovers.
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { graphql, operationText } from "../harness/documents.js";
import { rejectionChecker, tableCounts } from "../harness/rejections.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { adminUrl } from "../harness/test-database.js";

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }
`);
const CREATE_RUN = graphql(`mutation Create($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.ok(APPLY, { input: { flowName: "codes", name: "d" } });
});
afterAll(async () => t?.close());

const expectRejected = rejectionChecker(
  () => t,
  () => tableCounts(t),
);

describe("a lone UTF-16 surrogate: BAD_USER_INPUT naming the field, nothing written", () => {
  it.each([
    ["a flow name", APPLY, { input: { flowName: "f\uD800", name: "d" } }, "input.flowName"],
    ["a deployment name", APPLY, { input: { flowName: "f", name: "\uDC00d" } }, "input.name"],
    ["a tag", APPLY, { input: { flowName: "f", name: "d", tags: ["ok", "t\uD83D"] } }, "input.tags[1]"],
    [
      "a parameter value",
      APPLY,
      { input: { flowName: "f", name: "d", parameters: { p: ["\uD800"] } } },
      "input.parameters.p[0]",
    ],
    [
      "a parameter key",
      APPLY,
      { input: { flowName: "f", name: "d", parameters: { "k\uDFFF": 1 } } },
      "input.parameters.k\\uDFFF",
    ],
    [
      "a run's parameter",
      CREATE_RUN,
      { input: { deploymentSlug: "codes/d", parameters: { x: "\uD800" } } },
      "input.parameters.x",
    ],
  ])("%s", async (_what, query, variables, field) => {
    // rejectionChecker sends a document's text
    const error = await expectRejected(operationText(query), variables, { code: "BAD_USER_INPUT", field });
    expect(error.message).toMatch(/valid UTF-16/);
  });

  it("in a lookup argument", async () => {
    await expectRejected(
      `query($slug: String!) { deployment(slug: $slug) { id } }`,
      { slug: "codes/\uD800" },
      { code: "BAD_USER_INPUT", field: "slug" },
    );
  });

  it("well-formed astral characters (surrogate pairs) are stored and read back", async () => {
    await t.ok(APPLY, { input: { flowName: "rocket", name: "🚀", tags: ["日本", "😀"] } });
    const r = await t.ok(graphql(`{ deployment(slug: "rocket/🚀") { name tags } }`));
    expect(r.deployment).toEqual({ name: "🚀", tags: ["日本", "😀"] });
  });
});

describe("paging arguments out of range: BAD_USER_INPUT naming the argument", () => {
  it.each([
    ["first: -5", `{ flowRuns(first: -5) { totalCount } }`, "first"],
    ["first over the 200 cap", `{ flowRuns(first: 201) { totalCount } }`, "first"],
    ["last: -1", `{ flowRuns(last: -1) { totalCount } }`, "last"],
    ["last over the 200 cap", `{ deployments(last: 100000) { totalCount } }`, "last"],
  ])("%s", async (_what, query, field) => {
    await expectRejected(query, undefined, { code: "BAD_USER_INPUT", field });
  });
});

describe("a literal that fails coercion: GRAPHQL_VALIDATION_FAILED with its argument path", () => {
  it.each([
    [
      "a bad date",
      `mutation { createFlowRun(input: { deploymentSlug: "codes/d", scheduledStartTime: "tomorrow-ish" }) { id } }`,
      "input.scheduledStartTime",
    ],
    [
      "a date that is not a string",
      `{ previewSchedule(after: 12, schedule: { cron: { cron: "* * * * *" } }) }`,
      "after",
    ],
    [
      "an unknown enum value",
      `{ flowRuns(filter: { stateTypes: [RUNNING, NOPE] }) { totalCount } }`,
      "filter.stateTypes[1]",
    ],
    [
      "a variable's default",
      `query($a: DateTime = "soon") { previewSchedule(after: $a, schedule: { cron: { cron: "* * * * *" } }) }`,
      "$a",
    ],
    [
      "an unknown input field",
      `{ previewSchedule(schedule: { cron: { cron: "* * * * *", timezon: "UTC" } }) }`,
      "schedule.cron.timezon",
    ],
    ["an unknown argument", `{ flowRuns(frist: 5) { totalCount } }`, "frist"],
  ])("%s", async (_what, query, field) => {
    const error = await expectRejected(query, undefined, { code: "GRAPHQL_VALIDATION_FAILED", field });
    expect(error.message).not.toMatch(/tomorrow-ish|soon/);
  });
});

/** One request through yoga as the local admin: HTTP status and body. */
async function request(query: Parameters<typeof operationText>[0], variables?: Record<string, unknown>) {
  const res = await t.app.yoga.fetch("http://ordo.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${t.adminKey}` },
    body: JSON.stringify({ query: operationText(query), variables }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as {
      data?: any;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

function expectServiceUnavailable(r: Awaited<ReturnType<typeof request>>) {
  expect(r.status).toBe(503);
  expect(r.retryAfter).toBe("1");
  expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
  // the contract: no SQL, no driver text (yoga strips extensions.http from real responses, not
  // under vitest, where it loads another copy of graphql: database-outage.test.ts checks that)
  expect(JSON.stringify(r.body)).not.toMatch(/administrator|accepting connections|locked|SQLITE|P10\d\d/);
}

describe("a database that cannot serve: SERVICE_UNAVAILABLE (HTTP 503), then recovery", () => {
  it.runIf(inject("provider") === "postgresql")("PostgreSQL refusing the server's connections", async () => {
    const name = decodeURIComponent(new URL(t.databaseUrl).pathname.slice(1));
    const admin = new pg.Client({ connectionString: adminUrl(t.databaseUrl) });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [name],
      );
      expectServiceUnavailable(await request(`{ deployments { totalCount } }`));
      expectServiceUnavailable(await request(APPLY, { input: { flowName: "outage", name: "d" } }));
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // the pool reconnects by itself; the refused mutation wrote nothing
    const after = await request(`{ deployment(slug: "outage/d") { id } }`);
    expect(after.body).toEqual({ data: { deployment: null } });
  });

  it.runIf(inject("provider") === "sqlite")(
    "SQLite locked by another process beyond the busy timeout",
    async () => {
      await t.ok(graphql(`{ flows { totalCount } }`)); // the key's last-used stamp is fresh: only the mutation writes
      const other = new Database(t.databaseUrl.slice("file:".length));
      other.exec("BEGIN EXCLUSIVE");
      try {
        expectServiceUnavailable(await request(APPLY, { input: { flowName: "outage", name: "d" } }));
      } finally {
        other.exec("ROLLBACK");
        other.close();
      }
      expect((await request(APPLY, { input: { flowName: "outage", name: "d" } })).body.errors).toBeUndefined();
    },
    40_000,
  );
});
