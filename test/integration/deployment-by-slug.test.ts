// The raw read behind `deployment(slug)` (src/db/deployment-by-slug.ts) returns exactly what Prisma's
// findFirst with the schedules included returns — every column, typed the same — on this database;
// and the GraphQL field answers the same through it as through Prisma for other selections.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { findDeploymentWithSchedules } from "../../src/db/deployment-by-slug.js";
import { graphql } from "../harness/documents.js";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await applyDeployment(t, {
    flowName: "etl",
    name: "full",
    version: "1.2",
    description: "every column set",
    paused: true,
    tags: ["a", "b"],
    parameters: { name: "x", n: 3, nested: { list: [1, "two", null], on: false } },
    parameterOpenapiSchema: {
      type: "object",
      properties: { name: { type: "string" }, n: { type: "integer" }, nested: { type: "object" } },
    },
    path: "/srv/flows",
    entrypoint: "flows/etl.ts:main",
    pullSteps: [{ set_working_directory: { directory: "/srv" } }],
    jobVariables: { env: { A: "1" } },
    workPoolName: "pool",
    workQueueName: "q",
    concurrencyLimit: 2,
    collisionStrategy: "CANCEL_NEW",
    schedules: [
      {
        slug: "nightly",
        active: false,
        schedule: { cron: { cron: "0 2 * * *", timezone: "Europe/Berlin" } },
        parameters: { n: 4 },
      },
      { slug: "hourly", schedule: { interval: { interval: 3600 } } },
      { schedule: { rrule: { rrule: "FREQ=DAILY;COUNT=3" } } },
    ],
  });
  await applyDeployment(t, { flowName: "etl", name: "bare" });
  // the same deployment name under another flow must not be found by the slug etl/…
  await applyDeployment(t, { flowName: "other", name: "full" });
});
afterAll(async () => {
  await t.close();
});

const viaPrisma = (flowName: string, name: string) =>
  t.app.database.client.deployment.findFirst({
    where: { name, flow: { name: flowName } },
    include: { schedules: { orderBy: { position: "asc" } } },
  });

describe("findDeploymentWithSchedules", () => {
  it.each([
    ["etl", "full"],
    ["etl", "bare"],
    ["other", "full"],
  ])("%s/%s: the row Prisma returns, column for column", async (flowName, name) => {
    const expected = await viaPrisma(flowName, name);
    expect(expected).not.toBeNull();
    const raw = await findDeploymentWithSchedules(t.app.database, flowName, name);
    expect(raw).toStrictEqual(expected);
  });

  it("the full one has its three schedules in position order, the bare one none", async () => {
    const full = await findDeploymentWithSchedules(t.app.database, "etl", "full");
    expect(full!.schedules.map((s) => s.slug)).toEqual(["nightly", "hourly", null]);
    expect(full!.schedules[0]!.created).toBeInstanceOf(Date);
    expect((await findDeploymentWithSchedules(t.app.database, "etl", "bare"))!.schedules).toEqual([]);
  });

  it("null when no deployment matches (names are compared exactly)", async () => {
    expect(await findDeploymentWithSchedules(t.app.database, "etl", "missing")).toBeNull();
    expect(await findDeploymentWithSchedules(t.app.database, "ETL", "full")).toBeNull();
    expect(await findDeploymentWithSchedules(t.app.database, "etl", "ful%")).toBeNull();
  });
});

graphql(`
  fragment DeploymentBySlugFields on Deployment {
    id name version description paused tags parameters parameterOpenapiSchema enforceParameterSchema path entrypoint
    pullSteps jobVariables workQueueName concurrencyLimit collisionStrategy created updated
    schedules { id slug active parameters schedule { __typename ... on CronSchedule { cron timezone } ... on IntervalSchedule { interval } } }
  }
`);

describe("deployment(slug)", () => {
  const rawReads = () => vi.spyOn(t.app.services.deployments, "findBySlugWithSchedules");
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("answers the raw read's selection as the id look-up (Prisma) does", async () => {
    const spy = rawReads();
    const { deployment: bySlug } = await t.ok(
      graphql(`{ deployment(slug: "etl/full") { ...DeploymentBySlugFields } }`),
    );
    expect(spy).toHaveBeenCalledTimes(1);
    const { deployment: byId } = await t.ok(
      graphql(`query($id: ID!) { deployment(id: $id) { ...DeploymentBySlugFields } }`),
      { id: bySlug.id },
    );
    expect(bySlug).toEqual(byId);
    expect(bySlug.schedules).toHaveLength(3);
  });

  it("selections the raw read does not cover still load through Prisma", async () => {
    const spy = rawReads();
    const { deployment } = await t.ok(
      graphql(`
        { deployment(slug: "etl/full") { slug flow { name } workPool { name } workQueue { name } schedules { id } } }
      `),
    );
    expect(deployment).toMatchObject({
      slug: "etl/full",
      flow: { name: "etl" },
      workPool: { name: "pool" },
      workQueue: { name: "q" },
    });
    expect(deployment.schedules).toHaveLength(3);
    expect(spy).not.toHaveBeenCalled();
  });

  it("no deployment: null", async () => {
    expect((await t.ok(graphql(`{ deployment(slug: "etl/nope") { id schedules { id } } }`))).deployment).toBeNull();
    expect((await t.ok(graphql(`{ deployment(slug: "nope") { id } }`))).deployment).toBeNull();
    expect(
      (await t.ok(graphql(`{ deployment(slug: "nope") { id schedules { id } flow { name } } }`))).deployment,
    ).toBeNull();
    expect((await t.ok(graphql(`{ deployment { id schedules { id } } }`))).deployment).toBeNull();
  });
});
