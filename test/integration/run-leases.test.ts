// Crash detection and the CANCELLING timeout with a movable clock; infrastructure and heartbeat
// reporting; job variables layered, validated at run creation, and rendered for the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
let deploymentId: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.ok(graphql(`mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { id } }`), {
    i: {
      name: "leases",
      type: "process",
      baseJobTemplate: {
        job_configuration: { command: "{{ command }}", env: "{{ env }}", labels: { tier: "{{ tier }}" } },
        variables: {
          type: "object",
          required: ["tier"],
          properties: {
            command: { type: "array", items: { type: "string" } },
            env: { type: "object", default: { POOL: "1" } },
            tier: { type: "string", enum: ["gold", "silver"] },
          },
        },
      },
    },
  });
  deploymentId = (
    await applyDeployment(t, {
      flowName: "lease",
      name: "d",
      workPoolName: "leases",
      jobVariables: { tier: "gold", env: { DEP: "1" } },
    })
  ).id;
});
afterAll(async () => {
  await t.close();
});

const RUN = graphql(`
  mutation($id: ID!, $jv: JSON) { createFlowRun(input: { deploymentId: $id, jobVariables: $jv }) { id jobConfiguration } }
`);
const SET = graphql(`
  mutation($id: ID!, $type: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $type } }) { status } }
`);
const STATE = graphql(`
  query($id: ID!) { flowRun(id: $id) { stateType stateName lastHeartbeat infrastructurePid states { type message } } }
`);

describe("run leases", () => {
  it("crashes a RUNNING run nobody heartbeats within the lease, and spares a heartbeated one", async () => {
    const silent = (await t.ok(RUN, { id: deploymentId })).createFlowRun.id;
    const alive = (await t.ok(RUN, { id: deploymentId })).createFlowRun.id;
    for (const id of [silent, alive]) for (const type of ["PENDING", "RUNNING"] as const) await t.ok(SET, { id, type });
    await t.ok(
      graphql(`
        mutation($id: ID!) { setFlowRunInfrastructure(flowRunId: $id, infrastructurePid: "host:4242") { infrastructurePid } }
      `),
      { id: alive },
    );
    t.clock.advance(60);
    const beat = await t.ok(
      graphql(`mutation($id: ID!) { flowRunHeartbeat(flowRunId: $id) { stateType lastHeartbeat } }`),
      {
        id: alive,
      },
    );
    expect(beat.flowRunHeartbeat.stateType).toBe("RUNNING");
    expect(await t.app.services.leases.crashAbandonedRuns()).toBe(0); // 60 s < 90 s lease
    t.clock.advance(60);
    expect(await t.app.services.leases.crashAbandonedRuns()).toBe(1);
    const crashed = (await t.ok(STATE, { id: silent })).flowRun;
    expect(crashed.stateType).toBe("CRASHED");
    expect(crashed.states.at(-1)!.message).toMatch(/No heartbeat .* 90 s/);
    const kept = (await t.ok(STATE, { id: alive })).flowRun;
    expect(kept).toMatchObject({ stateType: "RUNNING", infrastructurePid: "host:4242" });
    t.clock.advance(60); // now 120 s since its last beat
    expect(await t.app.services.leases.crashAbandonedRuns()).toBe(1);
    expect((await t.ok(STATE, { id: alive })).flowRun.stateType).toBe("CRASHED");
  });

  it("judges no run before a whole lease has passed since the server began listening (a restart)", async () => {
    const id = (await t.ok(RUN, { id: deploymentId })).createFlowRun.id;
    for (const type of ["PENDING", "RUNNING"] as const) await t.ok(SET, { id, type });
    t.clock.advance(600); // the server was down: the run's heartbeats were lost, not missed
    const listeningSince = t.clock.now();
    expect(await t.app.services.leases.crashAbandonedRuns({ listeningSince })).toBe(0);
    t.clock.advance(89);
    expect(await t.app.services.leases.crashAbandonedRuns({ listeningSince })).toBe(0);
    expect((await t.ok(STATE, { id })).flowRun.stateType).toBe("RUNNING");
    t.clock.advance(2); // a whole lease of silence heard by this server
    expect(await t.app.services.leases.crashAbandonedRuns({ listeningSince })).toBeGreaterThanOrEqual(1);
    expect((await t.ok(STATE, { id })).flowRun.stateType).toBe("CRASHED");
  });

  it("forces a run stuck in CANCELLING to CANCELLED after the timeout", async () => {
    const id = (await t.ok(RUN, { id: deploymentId })).createFlowRun.id;
    for (const type of ["PENDING", "RUNNING", "CANCELLING"] as const) await t.ok(SET, { id, type });
    await t.ok(graphql(`mutation($id: ID!) { flowRunHeartbeat(flowRunId: $id) { id } }`), { id });
    t.clock.advance(200);
    expect(await t.app.services.leases.timeOutCancelling()).toBe(0);
    t.clock.advance(120);
    expect(await t.app.services.leases.timeOutCancelling()).toBe(1);
    expect((await t.ok(STATE, { id })).flowRun.stateType).toBe("CANCELLED");
  });
});

describe("job variables", () => {
  it("layers pool defaults ← deployment ← run (env merged, dot keys) into the job configuration", async () => {
    const r = await t.ok(RUN, { id: deploymentId, jv: { command: ["echo", "hi"], "env.RUN": "1", tier: "silver" } });
    expect(r.createFlowRun.jobConfiguration).toEqual({
      command: ["echo", "hi"],
      env: { POOL: "1", DEP: "1", RUN: "1" },
      labels: { tier: "silver" },
    });
  });

  it("rejects run job variables failing the pool's schema with VALIDATION_FAILED, writing nothing", async () => {
    const before = await t.app.database.client.flowRun.count();
    const r = await t.gql(RUN, { id: deploymentId, jv: { tier: "bronze", command: "not-a-list" } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION_FAILED", field: "input.jobVariables" });
    expect(r.errors?.[0]?.extensions?.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "/command",
      "/tier",
    ]);
    expect(await t.app.database.client.flowRun.count()).toBe(before);
  });

  it("answers unknown runs with NOT_FOUND", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    const a = await t.gql(graphql(`mutation($id: ID!) { flowRunHeartbeat(flowRunId: $id) { id } }`), { id });
    expect(a.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "flowRunId" });
    const b = await t.gql(
      graphql(`mutation($id: ID!) { setFlowRunInfrastructure(flowRunId: $id, infrastructurePid: "1") { id } }`),
      { id },
    );
    expect(b.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "flowRunId" });
  });
});
