// createFlowRun, the flowRun/flowRuns reads and run logs through GraphQL on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import type { CreateFlowRunInput, DeploymentInput, FlowRunFilter } from "../harness/generated/graphql.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) {
    applyDeployment(input: $input) {
      deployment { id slug workQueueName workPool { name } }
    }
  }
`);

graphql(`
  fragment FlowRunsRunFields on FlowRun {
    id name parameters tags idempotencyKey autoScheduled jobVariables retryPolicy
    deployment { id } deploymentVersion flow { name }
    stateType stateName expectedStartTime nextScheduledStartTime startTime endTime runCount totalRunTime
    state { type name scheduledTime }
    states { type name scheduledTime }
    workQueueName workQueue { name workPool { name } } workPool { name }
  }
`);

const CREATE = graphql(`
  mutation Create($input: CreateFlowRunInput!) { createFlowRun(input: $input) { ...FlowRunsRunFields } }
`);

const SET_STATE = graphql(`
  mutation Set($input: SetFlowRunStateInput!) { setFlowRunState(input: $input) { status } }
`);

const COUNT = graphql(`
  query Count($filter: FlowRunFilter) { flowRuns(filter: $filter) { totalCount edges { node { id } } } }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function apply(input: DeploymentInput) {
  return (await t.ok(APPLY, { input })).applyDeployment.deployment;
}

async function create(input: CreateFlowRunInput) {
  return (await t.ok(CREATE, { input })).createFlowRun;
}

async function runsOf(deploymentId: string, extra: FlowRunFilter = {}): Promise<{ totalCount: number; ids: string[] }> {
  const r = await t.ok(COUNT, { filter: { deploymentId, ...extra } });
  return { totalCount: r.flowRuns.totalCount, ids: r.flowRuns.edges.map((e) => e.node.id) };
}

const ms = (iso: string | null) => (iso === null ? NaN : Date.parse(iso));

describe("createFlowRun", () => {
  it("creates a run by deployment id with parameters shallow-merged and tags unioned", async () => {
    const d = await apply({
      flowName: "merge",
      name: "d",
      version: "7",
      tags: ["prod", "etl"],
      parameters: { a: 1, nested: { x: 1, y: 2 }, keep: "me" },
      workPoolName: "merge-pool",
    });
    const run = await create({
      deploymentId: d.id,
      parameters: { a: 2, nested: { z: 3 }, extra: true },
      tags: ["etl", "manual", "manual"],
    });
    // top-level keys win; a nested object is replaced, not deep-merged
    expect(run.parameters).toEqual({ a: 2, nested: { z: 3 }, keep: "me", extra: true });
    expect([...run.tags].sort()).toEqual(["etl", "manual", "prod"]);
    expect(run.tags).toHaveLength(3);
    expect(run.deployment.id).toBe(d.id);
    expect(run.deploymentVersion).toBe("7");
    expect(run.flow.name).toBe("merge");
    expect(run.autoScheduled).toBe(false);
    expect(run.idempotencyKey).toBeNull();
  });

  it("creates a run by slug flowName/deploymentName", async () => {
    const d = await apply({ flowName: "by-slug", name: "dep", parameters: { p: 1 } });
    const run = await create({ deploymentSlug: "by-slug/dep" });
    expect(run.deployment.id).toBe(d.id);
    expect(run.parameters).toEqual({ p: 1 });
    const missing = await t.gql(CREATE, { input: { deploymentSlug: "by-slug/nope" } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.deploymentSlug" });
    const both = await t.gql(CREATE, { input: { deploymentSlug: "by-slug/dep", deploymentId: d.id } });
    expect(both.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await runsOf(d.id)).totalCount).toBe(1);
  });

  it("names a run with two random lowercase words, or keeps the given name", async () => {
    const d = await apply({ flowName: "names", name: "d" });
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const run = await create({ deploymentId: d.id });
      expect(run.name).toMatch(/^[a-z]+-[a-z]+$/);
      names.add(run.name);
    }
    // five draws from a large dictionary are all but certain to differ at least once
    expect(names.size).toBeGreaterThan(1);
    const named = await create({ deploymentId: d.id, name: "my-special-run" });
    expect(named.name).toBe("my-special-run");
  });

  it("starts SCHEDULED at now by default, with the run's schedule columns and a one-state history", async () => {
    const d = await apply({ flowName: "initial", name: "d" });
    const before = t.clock.now().getTime();
    const run = await create({ deploymentId: d.id });
    const after = t.clock.now().getTime();
    expect(run.stateType).toBe("SCHEDULED");
    expect(run.stateName).toBe("Scheduled");
    expect(run.state).toMatchObject({ type: "SCHEDULED", name: "Scheduled" });
    const scheduled = ms(run.state.scheduledTime);
    expect(scheduled).toBeGreaterThanOrEqual(before);
    expect(scheduled).toBeLessThanOrEqual(after);
    expect(ms(run.expectedStartTime)).toBe(scheduled);
    expect(ms(run.nextScheduledStartTime)).toBe(scheduled);
    expect(run.states).toHaveLength(1);
    expect(run.states[0]).toMatchObject({ type: "SCHEDULED", name: "Scheduled" });
    expect(run).toMatchObject({ runCount: 0, totalRunTime: 0, startTime: null, endTime: null });
  });

  it("schedules at scheduledStartTime when given", async () => {
    const d = await apply({ flowName: "initial-at", name: "d" });
    const at = new Date(t.clock.now().getTime() + 3_600_000);
    at.setUTCMilliseconds(0);
    const run = await create({ deploymentId: d.id, scheduledStartTime: at.toISOString() });
    expect(ms(run.state.scheduledTime)).toBe(at.getTime());
    expect(ms(run.expectedStartTime)).toBe(at.getTime());
    expect(ms(run.nextScheduledStartTime)).toBe(at.getTime());
    expect(run.states).toEqual([{ type: "SCHEDULED", name: "Scheduled", scheduledTime: run.state.scheduledTime }]);
  });

  it("starts PENDING when asked (taken at once by its creator), expected to start now and never claimable", async () => {
    const d = await apply({ flowName: "initial-pending", name: "d", workPoolName: "pending-pool" });
    const before = t.clock.now().getTime();
    const run = await create({ deploymentId: d.id, state: { type: "PENDING", message: "executed locally" } });
    expect(run.stateType).toBe("PENDING");
    expect(run.states).toEqual([{ type: "PENDING", name: "Pending", scheduledTime: null }]);
    expect(ms(run.expectedStartTime)).toBeGreaterThanOrEqual(before);
    expect(ms(run.expectedStartTime)).toBeLessThanOrEqual(t.clock.now().getTime());
    const claimed = await t.ok(
      graphql(`mutation { claimFlowRuns(input: { workPoolName: "pending-pool", workerName: "w", limit: 5 }) { id } }`),
    );
    expect(claimed.claimFlowRuns).toEqual([]);
    const running = await t.ok(SET_STATE, { input: { flowRunId: run.id, state: { type: "RUNNING" } } });
    expect(running.setFlowRunState.status).toBe("ACCEPT");
  });

  it("returns the same run for a repeated idempotencyKey, and another run for another key", async () => {
    const d = await apply({ flowName: "idem", name: "d" });
    const first = await create({ deploymentId: d.id, idempotencyKey: "key-1", name: "first" });
    expect(first.idempotencyKey).toBe("key-1");
    const again = await create({
      deploymentId: d.id,
      idempotencyKey: "key-1",
      name: "second",
      parameters: { changed: true },
    });
    expect(again.id).toBe(first.id);
    expect(again.name).toBe("first");
    expect(again.states).toHaveLength(1);
    expect((await runsOf(d.id)).totalCount).toBe(1);
    // through the slug too: the key belongs to the flow, not to how the deployment was named
    const bySlug = await create({ deploymentSlug: "idem/d", idempotencyKey: "key-1" });
    expect(bySlug.id).toBe(first.id);
    const other = await create({ deploymentId: d.id, idempotencyKey: "key-2" });
    expect(other.id).not.toBe(first.id);
    expect((await runsOf(d.id)).totalCount).toBe(2);
  });

  it("takes the work pool and queue from the deployment, or another queue of that pool by name", async () => {
    const d = await apply({ flowName: "queues", name: "d", workPoolName: "q-pool", workQueueName: "high" });
    const run = await create({ deploymentId: d.id });
    expect(run.workQueueName).toBe("high");
    expect(run.workQueue).toEqual({ name: "high", workPool: { name: "q-pool" } });
    expect(run.workPool).toEqual({ name: "q-pool" });

    const other = await create({ deploymentId: d.id, workQueueName: "adhoc" });
    expect(other.workQueueName).toBe("adhoc");
    expect(other.workQueue).toEqual({ name: "adhoc", workPool: { name: "q-pool" } });
    const pool = await t.ok(graphql(`{ workPool(name: "q-pool") { queues { name } } }`));
    expect(pool.workPool.queues.map((q) => q.name).sort()).toEqual(["adhoc", "default", "high"]);
    // the deployment keeps its own queue
    const dep = await t.ok(graphql(`query($id: ID!) { deployment(id: $id) { workQueueName } }`), { id: d.id });
    expect(dep.deployment.workQueueName).toBe("high");
  });

  it("refuses a workQueueName for a deployment without a work pool", async () => {
    const d = await apply({ flowName: "no-pool", name: "d" });
    const r = await t.gql(CREATE, { input: { deploymentId: d.id, workQueueName: "x" } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.workQueueName" });
    expect((await runsOf(d.id)).totalCount).toBe(0);
  });

  it("stores retries and job variables of the run", async () => {
    const d = await apply({ flowName: "policy", name: "d" });
    const run = await create({
      deploymentId: d.id,
      retries: 2,
      retryDelaySeconds: 5,
      jobVariables: { env: { A: "1" } },
    });
    expect(run.retryPolicy).toMatchObject({ retries: 2, retryDelaySeconds: 5 });
    expect(run.jobVariables).toEqual({ env: { A: "1" } });
  });
});

describe("createFlowRun parameter schema", () => {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      name: { type: "string" },
      count: { type: "integer", minimum: 1 },
    },
    required: ["name"],
  };

  it("accepts valid parameters and rejects invalid ones naming every failing field, writing nothing", async () => {
    const d = await apply({
      flowName: "schema",
      name: "enforced",
      parameterOpenapiSchema: schema,
      parameters: { count: 2 },
    });
    const ok = await create({ deploymentId: d.id, parameters: { name: "x" } });
    expect(ok.parameters).toEqual({ count: 2, name: "x" });

    const bad = await t.gql(CREATE, { input: { deploymentId: d.id, parameters: { count: 0 } } });
    expect(bad.data).toBeNull();
    expect(bad.errors).toHaveLength(1);
    const ext = bad.errors![0]!.extensions!;
    expect(ext.code).toBe("VALIDATION_FAILED");
    expect(ext.field).toBe("input.parameters");
    const paths = (ext.errors as Array<{ path: string; message: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(["/count", "/name"]);
    for (const e of ext.errors) expect(e.message).toEqual(expect.any(String));

    // a wrong type is named too, and the deployment's own parameters are validated after the merge
    const wrongType = await t.gql(CREATE, { input: { deploymentId: d.id, parameters: { name: 5, count: 1.5 } } });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
    expect(wrongType.errors![0]!.extensions!.errors.map((e: any) => e.path).sort()).toEqual(["/count", "/name"]);

    expect((await runsOf(d.id)).totalCount).toBe(1);
  });

  it("accepts the same parameters when enforceParameterSchema is false", async () => {
    const d = await apply({
      flowName: "schema",
      name: "lenient",
      parameterOpenapiSchema: schema,
      enforceParameterSchema: false,
    });
    const run = await create({ deploymentId: d.id, parameters: { count: 0 } });
    expect(run.parameters).toEqual({ count: 0 });
    expect((await runsOf(d.id)).totalCount).toBe(1);
  });
});

describe("flowRun and flowRuns", () => {
  it("reads a run by id, and null for an unknown id", async () => {
    const d = await apply({ flowName: "read", name: "d" });
    const run = await create({ deploymentId: d.id, name: "readable" });
    const r = await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { id name stateType } }`), { id: run.id });
    expect(r.flowRun).toEqual({ id: run.id, name: "readable", stateType: "SCHEDULED" });
    const none = await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { id } }`), {
      id: "00000000-0000-0000-0000-000000000000",
    });
    expect(none.flowRun).toBeNull();
  });

  it("filters by deployment, state types, tags and autoScheduled", async () => {
    const a = await apply({ flowName: "filter", name: "a", tags: ["team-a"] });
    const b = await apply({ flowName: "filter", name: "b" });
    const a1 = await create({ deploymentId: a.id, tags: ["red"] });
    const a2 = await create({ deploymentId: a.id, tags: ["red", "blue"] });
    const a3 = await create({ deploymentId: a.id });
    const b1 = await create({ deploymentId: b.id, tags: ["red"] });

    const byA = await runsOf(a.id);
    expect(byA.totalCount).toBe(3);
    expect(byA.ids.sort()).toEqual([a1.id, a2.id, a3.id].sort());
    expect((await runsOf(b.id)).ids).toEqual([b1.id]);

    expect(
      (await t.ok(SET_STATE, { input: { flowRunId: a2.id, state: { type: "PENDING" } } })).setFlowRunState.status,
    ).toBe("ACCEPT");
    const pending = await runsOf(a.id, { stateTypes: ["PENDING"] });
    expect(pending).toEqual({ totalCount: 1, ids: [a2.id] });
    const either = await runsOf(a.id, { stateTypes: ["PENDING", "SCHEDULED"] });
    expect(either.totalCount).toBe(3);
    expect((await runsOf(a.id, { stateTypes: ["RUNNING"] })).totalCount).toBe(0);

    // tags: runs having all of the given tags (deployment tags count)
    expect((await runsOf(a.id, { tags: ["red"] })).ids.sort()).toEqual([a1.id, a2.id].sort());
    expect((await runsOf(a.id, { tags: ["red", "blue"] })).ids).toEqual([a2.id]);
    expect((await runsOf(a.id, { tags: ["team-a"] })).totalCount).toBe(3);
    const redEverywhere = await t.ok(COUNT, { filter: { tags: ["red"] } });
    expect(redEverywhere.flowRuns.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([a1.id, a2.id, b1.id]));

    // the scheduler does not exist yet: mark one run auto-scheduled the way its bulk insert would
    await t.app.database.client.flowRun.update({ where: { id: a3.id }, data: { autoScheduled: true } });
    expect(await runsOf(a.id, { autoScheduled: true })).toEqual({ totalCount: 1, ids: [a3.id] });
    expect((await runsOf(a.id, { autoScheduled: false })).ids.sort()).toEqual([a1.id, a2.id].sort());
  });

  it("lists the newest expected start first", async () => {
    const d = await apply({ flowName: "order", name: "d" });
    const base = t.clock.now().getTime();
    const early = await create({ deploymentId: d.id, scheduledStartTime: new Date(base + 60_000).toISOString() });
    const late = await create({ deploymentId: d.id, scheduledStartTime: new Date(base + 120_000).toISOString() });
    const mid = await create({ deploymentId: d.id, scheduledStartTime: new Date(base + 90_000).toISOString() });
    expect((await runsOf(d.id)).ids).toEqual([late.id, mid.id, early.id]);
  });
});

describe("logs", () => {
  const LOGS = graphql(`
    query Logs($flowRunId: ID!) { logs(flowRunId: $flowRunId) { totalCount edges { node { flowRunId level name message timestamp } } } }
  `);
  const CREATE_LOGS = graphql(`mutation Logs($logs: [LogInput!]!) { createLogs(logs: $logs) }`);

  it("stores a batch and returns it oldest first", async () => {
    const d = await apply({ flowName: "logs", name: "d" });
    const run = await create({ deploymentId: d.id });
    const other = await create({ deploymentId: d.id });
    const base = t.clock.now().getTime();
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const n = await t.ok(CREATE_LOGS, {
      logs: [
        { flowRunId: run.id, level: 20, message: "second", timestamp: at(2) },
        { flowRunId: run.id, level: 40, message: "third", name: "my.logger", timestamp: at(3) },
        { flowRunId: run.id, level: 10, message: "first", timestamp: at(1) },
        { flowRunId: other.id, level: 20, message: "elsewhere", timestamp: at(0) },
      ],
    });
    expect(n.createLogs).toBe(4);
    const r = await t.ok(LOGS, { flowRunId: run.id });
    expect(r.logs.totalCount).toBe(3);
    expect(r.logs.edges.map((e) => e.node.message)).toEqual(["first", "second", "third"]);
    expect(r.logs.edges[2]!.node).toMatchObject({ flowRunId: run.id, level: 40, name: "my.logger", timestamp: at(3) });
    expect(r.logs.edges[0]!.node.name).toBe("ordo.flow_runs");
    expect((await t.ok(LOGS, { flowRunId: other.id })).logs.totalCount).toBe(1);
  });

  it("refuses a batch naming an unknown run, naming the line, and writes none of it", async () => {
    const d = await apply({ flowName: "logs-bad", name: "d" });
    const run = await create({ deploymentId: d.id });
    const r = await t.gql(CREATE_LOGS, {
      logs: [
        { flowRunId: run.id, level: 20, message: "fine" },
        { flowRunId: "00000000-0000-0000-0000-000000000000", level: 20, message: "orphan" },
      ],
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "logs[1].flowRunId" });
    expect((await t.ok(LOGS, { flowRunId: run.id })).logs.totalCount).toBe(0);
  });
});
