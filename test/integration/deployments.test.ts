// applyDeployment and friends through GraphQL on a real database: upsert semantics, schedule
// reconciliation, work pool/queue creation, look-ups, pause/resume/delete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) {
    applyDeployment(input: $input) {
      created
      deployment {
        id slug name version description paused parameters parameterOpenapiSchema enforceParameterSchema
        tags path entrypoint pullSteps jobVariables workQueueName concurrencyLimit
        workPool { name type defaultQueue { name } }
        workQueue { name priority }
        flow { name }
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
  }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("applyDeployment", () => {
  it("creates, then updates in place keeping ids of unchanged schedules", async () => {
    const input = {
      flowName: "etl",
      name: "nightly",
      version: "1",
      description: "loads things",
      tags: ["prod", "etl"],
      parameters: { day: "today", limit: 10 },
      entrypoint: "flows/etl.ts:etl",
      path: "/srv/flows",
      pullSteps: [{ set_working_directory: { directory: "/srv" } }],
      jobVariables: { env: { A: "1" } },
      workPoolName: "k8s-pool",
      workQueueName: "critical",
      concurrencyLimit: 2,
      schedules: [
        { schedule: { cron: { cron: "0 3 * * *", timezone: "Europe/Berlin" } } },
        { slug: "hourly", schedule: { interval: { interval: 3600 } }, parameters: { limit: 1 } },
      ],
    };
    const first = await t.ok(APPLY, { input });
    const d1 = first.applyDeployment.deployment;
    expect(first.applyDeployment.created).toBe(true);
    expect(d1).toMatchObject({
      slug: "etl/nightly",
      version: "1",
      tags: ["prod", "etl"],
      parameters: { day: "today", limit: 10 },
      enforceParameterSchema: true,
      parameterOpenapiSchema: { type: "object", properties: {} },
      workQueueName: "critical",
      concurrencyLimit: 2,
      workPool: { name: "k8s-pool", type: "process", defaultQueue: { name: "default" } },
      workQueue: { name: "critical", priority: 2 },
      flow: { name: "etl" },
    });
    expect(d1.schedules).toHaveLength(2);
    expect(d1.schedules[0]!.schedule).toEqual({
      __typename: "CronSchedule",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      dayOr: true,
    });
    expect(d1.schedules[1]).toMatchObject({ slug: "hourly", active: true, parameters: { limit: 1 } });
    expect(d1.schedules[1]!.schedule).toMatchObject({
      __typename: "IntervalSchedule",
      interval: 3600,
      timezone: "UTC",
    });

    const second = await t.ok(APPLY, { input: { ...input, version: "2", schedules: [...input.schedules].reverse() } });
    const d2 = second.applyDeployment.deployment;
    expect(second.applyDeployment.created).toBe(false);
    expect(d2.id).toBe(d1.id);
    expect(d2.version).toBe("2");
    const ids = (d: typeof d1) => d.schedules.map((s) => s.id).sort();
    expect(ids(d2)).toEqual(ids(d1));
  });

  it("an apply that matches the stored deployment writes nothing; the preview says what would change, writing nothing", async () => {
    const q = graphql(`query($slug: String!) { deployment(slug: $slug) { updated version schedules { id } } }`);
    const preview = graphql(`
      query($input: DeploymentInput!) { deploymentApplyPreview(input: $input) { created changedFields } }
    `);
    const changed = graphql(`
      mutation($input: DeploymentInput!) { applyDeployment(input: $input) { created changedFields } }
    `);
    const input = {
      flowName: "same",
      name: "again",
      version: "1",
      tags: ["b", "a"],
      parameters: { x: 1, y: { z: 2 } },
      workPoolName: "same-pool",
      schedules: [{ schedule: { cron: { cron: "0 3 * * *" } } }],
    };
    expect((await t.ok(preview, { input })).deploymentApplyPreview).toEqual({ created: true, changedFields: [] });
    expect((await t.ok(q, { slug: "same/again" })).deployment).toBeNull(); // the preview wrote nothing, not even the flow
    expect((await t.ok(changed, { input })).applyDeployment).toEqual({ created: true, changedFields: [] });
    const before = (await t.ok(q, { slug: "same/again" })).deployment;
    // `updated` comes from the app's clock: a minute later by it, a write would show that minute
    t.clock.advance(60);
    // the same input, object keys in another order: nothing to write
    const reordered = { ...input, parameters: { y: { z: 2 }, x: 1 } };
    expect((await t.ok(preview, { input: reordered })).deploymentApplyPreview).toEqual({
      created: false,
      changedFields: [],
    });
    expect((await t.ok(changed, { input: reordered })).applyDeployment).toEqual({ created: false, changedFields: [] });
    expect((await t.ok(q, { slug: "same/again" })).deployment).toEqual(before);

    const edited = {
      ...input,
      version: "2",
      workQueueName: "other",
      schedules: [{ schedule: { cron: { cron: "0 4 * * *" } } }],
    };
    expect((await t.ok(preview, { input: edited })).deploymentApplyPreview).toEqual({
      created: false,
      changedFields: ["schedules", "version", "workQueueName"],
    });
    expect((await t.ok(q, { slug: "same/again" })).deployment).toEqual(before); // still nothing written
    expect((await t.ok(changed, { input: edited })).applyDeployment).toEqual({
      created: false,
      changedFields: ["schedules", "version", "workQueueName"],
    });
    const after = (await t.ok(q, { slug: "same/again" })).deployment;
    expect(after.version).toBe("2");
    expect(Date.parse(after.updated) - Date.parse(before.updated)).toBeGreaterThanOrEqual(60_000);
    // a bad input gets the apply's own error from the preview
    const bad = await t.gql(preview, { input: { ...input, parameters: [1] } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("leaves fields out of the input unchanged, and resets explicit nulls", async () => {
    await t.ok(APPLY, {
      input: {
        flowName: "keep",
        name: "d",
        description: "x",
        tags: ["a"],
        schedules: [{ schedule: { interval: { interval: 60 } } }],
      },
    });
    const again = await t.ok(APPLY, { input: { flowName: "keep", name: "d", version: "v2" } });
    expect(again.applyDeployment.deployment).toMatchObject({ description: "x", tags: ["a"], version: "v2" });
    expect(again.applyDeployment.deployment.schedules).toHaveLength(1);
    const cleared = await t.ok(APPLY, { input: { flowName: "keep", name: "d", description: null, schedules: [] } });
    expect(cleared.applyDeployment.deployment.description).toBeNull();
    expect(cleared.applyDeployment.deployment.schedules).toEqual([]);
  });

  it("puts a queue named without a pool into default-agent-pool", async () => {
    const r = await t.ok(APPLY, { input: { flowName: "legacy", name: "agent", workQueueName: "test" } });
    expect(r.applyDeployment.deployment.workPool).toMatchObject({ name: "default-agent-pool", type: "agent" });
    expect(r.applyDeployment.deployment.workQueueName).toBe("test");
  });

  it("finds deployments by slug and id, and lists them with filters", async () => {
    const r = await t.ok(APPLY, { input: { flowName: "lookup", name: "one", tags: ["red", "blue"] } });
    await t.ok(APPLY, { input: { flowName: "lookup", name: "two", tags: ["red"], paused: true } });
    const bySlug = await t.ok(graphql(`{ deployment(slug: "lookup/one") { id } }`));
    expect(bySlug.deployment.id).toBe(r.applyDeployment.deployment.id);
    const byId = await t.ok(graphql(`query($id: ID!) { deployment(id: $id) { slug } }`), { id: bySlug.deployment.id });
    expect(byId.deployment.slug).toBe("lookup/one");
    const missing = await t.ok(graphql(`{ deployment(slug: "lookup/none") { id } }`));
    expect(missing.deployment).toBeNull();
    const list = await t.ok(
      graphql(`{ deployments(filter: { flowName: "lookup", tags: ["red"] }) { totalCount edges { node { name } } } }`),
    );
    expect(list.deployments.totalCount).toBe(2);
    const blue = await t.ok(
      graphql(`
        { deployments(filter: { flowName: "lookup", tags: ["red", "blue"] }) { totalCount edges { node { name } } } }
      `),
    );
    expect(blue.deployments.edges.map((e) => e.node.name)).toEqual(["one"]);
    const paused = await t.ok(
      graphql(`{ deployments(filter: { flowName: "lookup", paused: true }) { edges { node { name paused } } } }`),
    );
    expect(paused.deployments.edges).toEqual([{ node: { name: "two", paused: true } }]);
    const page = await t.ok(
      graphql(`
        { deployments(filter: { flowName: "lookup" }, first: 1) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }
      `),
    );
    expect(page.deployments.edges).toHaveLength(1);
    expect(page.deployments.pageInfo.hasNextPage).toBe(true);
    const next = await t.ok(
      graphql(`
        query($after: String) { deployments(filter: { flowName: "lookup" }, first: 1, after: $after) { edges { node { name } } pageInfo { hasNextPage } } }
      `),
      {
        after: page.deployments.pageInfo.endCursor,
      },
    );
    expect(next.deployments.edges[0]!.node.name).toBe("two");
    expect(next.deployments.pageInfo.hasNextPage).toBe(false);
  });

  it("pauses, resumes and deletes", async () => {
    const r = await t.ok(APPLY, { input: { flowName: "life", name: "cycle" } });
    const id = r.applyDeployment.deployment.id;
    expect(
      (await t.ok(graphql(`mutation($id: ID!) { pauseDeployment(id: $id) { paused } }`), { id })).pauseDeployment
        .paused,
    ).toBe(true);
    expect(
      (await t.ok(graphql(`mutation($id: ID!) { resumeDeployment(id: $id) { paused } }`), { id })).resumeDeployment
        .paused,
    ).toBe(false);
    expect((await t.ok(graphql(`mutation($id: ID!) { deleteDeployment(id: $id) }`), { id })).deleteDeployment).toBe(
      true,
    );
    expect((await t.ok(graphql(`mutation($id: ID!) { deleteDeployment(id: $id) }`), { id })).deleteDeployment).toBe(
      false,
    );
    expect((await t.ok(graphql(`{ deployment(slug: "life/cycle") { id } }`))).deployment).toBeNull();
  });
});
