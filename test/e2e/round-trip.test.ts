// The full round trip against a real server on a free port: apply a deployment twice, look it up
// by slug, create a run with overrides, and drive it SCHEDULED → PENDING → RUNNING → COMPLETED
// while a graphql-ws client (and an SSE client) receive every change in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApplyDeploymentDocument,
  CreateFlowRunDocument,
  FlowRunStateChangedDocument,
  SetFlowRunStateDocument,
} from "../../src/client/generated/graphql.js";
import { OrdoClient } from "../../src/client/ordo-client.js";
import { eventually } from "../harness/eventually.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { collect } from "../harness/streams.js";
import { graphql } from "../harness/documents.js";

let t: TestApp;
let url: string;
let client: OrdoClient;

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  client = new OrdoClient(url, { apiKey: t.adminKey });
});
afterAll(async () => {
  await client.close();
  await t.close();
});

const deploymentInput = {
  flowName: "hello-world",
  name: "daily",
  tags: ["team-a"],
  parameters: { name: "world", loud: false },
  workPoolName: "local",
  schedules: [
    { slug: "morning", schedule: { cron: { cron: "0 9 * * *", timezone: "America/New_York" } } },
    { schedule: { interval: { interval: 86400, timezone: "Europe/London" } } },
  ],
};

describe("round trip over a real server", () => {
  it("applies twice, creates a run, and streams its states in order over graphql-ws", async () => {
    const first = await client.request(ApplyDeploymentDocument, { input: deploymentInput });
    expect(first.applyDeployment.created).toBe(true);
    const second = await client.request(ApplyDeploymentDocument, {
      input: { ...deploymentInput, description: "again" },
    });
    expect(second.applyDeployment.created).toBe(false);
    expect(second.applyDeployment.deployment.id).toBe(first.applyDeployment.deployment.id);
    expect(second.applyDeployment.deployment.schedules.map((s) => s.id)).toEqual(
      first.applyDeployment.deployment.schedules.map((s) => s.id),
    );

    const bySlug = await t.ok(graphql(`{ deployment(slug: "hello-world/daily") { id description } }`));
    expect(bySlug.deployment).toEqual({ id: first.applyDeployment.deployment.id, description: "again" });
    const deploymentId = bySlug.deployment.id as string;

    // listening once the server's mark came: the run's first event (its creation) is not missed
    const received = collect(await client.listen(FlowRunStateChangedDocument, { deploymentId }));

    const run = (
      await client.request(CreateFlowRunDocument, {
        input: { deploymentSlug: "hello-world/daily", parameters: { loud: true }, tags: ["manual", "team-a"] },
      })
    ).createFlowRun;
    expect(run.parameters).toEqual({ name: "world", loud: true });
    expect(run.tags).toEqual(["team-a", "manual"]);
    expect(run.stateType).toBe("SCHEDULED");

    for (const type of ["PENDING", "RUNNING", "COMPLETED"] as const) {
      const r = await client.request(SetFlowRunStateDocument, { input: { flowRunId: run.id, state: { type } } });
      expect(r.setFlowRunState.status).toBe("ACCEPT");
    }

    const ofRun = await received.waitFor(
      (all) => all.filter((e) => e.flowRunStateChanged.flowRun.id === run.id).length >= 4,
    );
    const sequence = ofRun.filter((e) => e.flowRunStateChanged.flowRun.id === run.id).map((e) => e.flowRunStateChanged);
    expect(sequence.map((e) => [e.previousStateType, e.state.type])).toEqual([
      [null, "SCHEDULED"],
      ["SCHEDULED", "PENDING"],
      ["PENDING", "RUNNING"],
      ["RUNNING", "COMPLETED"],
    ]);
    const stamps = sequence.map((e) => Date.parse(e.state.timestamp));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    received.stop();
  });

  it("streams state changes over SSE on the same endpoint", async () => {
    const { deployment } = (await client.request(ApplyDeploymentDocument, { input: { flowName: "sse", name: "d" } }))
      .applyDeployment;
    const controller = new AbortController();
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${t.adminKey}`,
      },
      body: JSON.stringify({
        query: `subscription($d: ID) { flowRunStateChanged(deploymentId: $d, stateTypes: [RUNNING]) { state { type } flowRun { name } } }`,
        variables: { d: deployment.id },
      }),
      signal: controller.signal,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // the stream read in the background; `complete()` is its text up to the last whole event
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    void (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += decoder.decode(chunk.value, { stream: true });
    })().catch(() => undefined);
    const complete = () => text.slice(0, text.lastIndexOf("\n\n") + 1);
    const runs: string[] = [];
    // keep creating RUNNING runs until one arrives: the subscription may register after the first
    await eventually(
      async () => {
        const run = (await client.request(CreateFlowRunDocument, { input: { deploymentId: deployment.id } }))
          .createFlowRun;
        runs.push(run.name);
        await client.request(SetFlowRunStateDocument, { input: { flowRunId: run.id, state: { type: "RUNNING" } } });
        return complete().includes('"RUNNING"');
      },
      { timeoutMs: 10_000, intervalMs: 300, what: () => `a RUNNING event on the SSE stream: ${text}` },
    );
    const received = complete();
    controller.abort();
    const data = received
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => JSON.parse(l.slice(5)));
    expect(data.length).toBeGreaterThan(0);
    expect(data[0].data.flowRunStateChanged.state.type).toBe("RUNNING");
    expect(runs).toContain(data[0].data.flowRunStateChanged.flowRun.name);
  });

  it("rejects an invalid subscription over graphql-ws with a coded error", async () => {
    const bad = client.subscribe(FlowRunStateChangedDocument, { stateTypes: ["NOPE" as never] });
    await expect(bad.next()).rejects.toMatchObject({ name: "OrdoApiError", code: "BAD_USER_INPUT" });
  });
});
