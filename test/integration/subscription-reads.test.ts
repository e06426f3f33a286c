// Subscription reads are shared: an event is read from the database once per distinct selection,
// not once per subscriber, and every subscriber still gets every event, in commit order, with its
// own execution (a READ-only key beside the admin). A subscriber whose filter drops the event costs
// no read at all. A burst of events (a scheduler pass) is read in chunks, not per event. Reads are
// counted with a Prisma query extension on the client contexts read through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, type Collected } from "../harness/streams.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { OrdoClient } from "../../src/client/ordo-client.js";
import { graphql } from "../harness/documents.js";

let t: TestApp;
let url: string;
const clients: OrdoClient[] = [];
/** subscription reads so far, by "Model.operation" */
const reads = new Map<string, number>();

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  // every GraphQL context reads `database.client` when it is created: count what they read
  const database = t.app.database as { client: any };
  database.client = database.client.$extends({
    query: {
      $allOperations({
        model,
        operation,
        args,
        query,
      }: {
        model?: string;
        operation: string;
        args: unknown;
        query: (a: unknown) => Promise<unknown>;
      }) {
        const counted = operation === "findUniqueOrThrow" || operation === "findMany";
        if (counted && (model === "FlowRun" || model === "FlowRunState")) {
          reads.set(`${model}.${operation}`, (reads.get(`${model}.${operation}`) ?? 0) + 1);
        }
        return query(args);
      },
    },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t.close();
});

interface Event {
  flowRunStateChanged: {
    previousStateType?: string | null;
    flowRun: { id: string; deployment?: { name: string } | null };
    state: { id: string; type: string };
  };
}

/** A subscriber of its own key, once the server's "subscribed" mark says its stream is listening. */
async function subscribe<R extends Event, V extends Record<string, unknown>>(
  key: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<Collected<R>> {
  const client = new OrdoClient(url, { apiKey: key });
  clients.push(client);
  return collect(await client.listen(document, variables));
}

const SET_STATE = graphql(
  `mutation($id: ID!, $t: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $t }, force: true }) { status state { id } } }`,
);

describe("subscription reads", () => {
  it("reads an event once per distinct query for many subscribers, and delivers every event to each in order", async () => {
    const d = await applyDeployment(t, { flowName: "reads", name: "shared" });
    const run = () => createRun(t, d.id);
    const [watched, other] = [await run(), await run()];
    const reader = (
      await t.ok(graphql(`mutation { createApiKey(input: { name: "reads-reader", scopes: [READ] }) { key } }`))
    ).createApiKey.key as string;

    const SAME = graphql(
      `subscription($id: ID!) { flowRunStateChanged(flowRunId: $id) { flowRun { id stateType } state { id type } } }`,
    );
    // Prisma reads all scalar columns whatever scalars are asked: only a relation changes the query
    const DIFFERENT = graphql(
      `subscription($id: ID!) { flowRunStateChanged(flowRunId: $id) { flowRun { id name deployment { name } } state { id type name timestamp } } }`,
    );
    // 8 admins and 4 READ-only keys ask the same; one asks something else; one follows another run
    const same = await Promise.all([
      ...Array.from({ length: 8 }, () => subscribe(t.adminKey!, SAME, { id: watched })),
      ...Array.from({ length: 4 }, () => subscribe(reader, SAME, { id: watched })),
    ]);
    const different = await subscribe(t.adminKey!, DIFFERENT, { id: watched });
    const elsewhere = await subscribe(t.adminKey!, DIFFERENT, { id: other });
    const all = [...same, different];

    // every subscriber is listening (their marks came): every change from here reaches each
    reads.clear();

    const changes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await t.ok(SET_STATE, { id: watched, t: i % 2 ? "PENDING" : "RUNNING" });
      expect(r.setFlowRunState.status).toBe("ACCEPT");
      changes.push(r.setFlowRunState.state.id);
    }
    const received = await Promise.all(all.map((s) => s.waitFor((items) => items.length >= changes.length)));
    for (const items of received) {
      const got = items.map((e) => e.flowRunStateChanged);
      expect(got.map((e) => e.state.id)).toEqual(changes);
      expect(got.every((e) => e.flowRun.id === watched)).toBe(true);
      expect(got.map((e) => e.state.type)).toEqual(changes.map((_, j) => (j % 2 ? "PENDING" : "RUNNING")));
    }
    // two run queries (with and without the deployment), one state query: per event, however many
    // subscribers share each
    expect(Object.fromEntries(reads)).toEqual({
      "FlowRun.findUniqueOrThrow": 2 * changes.length,
      "FlowRunState.findUniqueOrThrow": changes.length,
    });
    // the subscriber of another run read nothing and got nothing of this one
    expect(elsewhere.items.filter((e) => e.flowRunStateChanged.flowRun.id === watched)).toEqual([]);
    for (const s of [...all, elsewhere]) s.stop();
  });

  it("reads a scheduler pass's burst of new runs in chunks, and delivers every event to each subscriber", async () => {
    // every-minute schedules: about an hour of runs each, announced together after the pass commits;
    // more results at once than a repeater holds pending (1,024), so each subscriber's queue counts
    const deployments = [];
    for (let i = 0; i < 20; i++) {
      deployments.push(
        await applyDeployment(t, {
          flowName: "burst",
          name: `every-minute-${i}`,
          schedules: [{ schedule: { cron: { cron: "* * * * *" } } }],
        }),
      );
    }
    const QUERY = graphql(
      `subscription($d: ID) { flowRunStateChanged(deploymentId: $d) { previousStateType flowRun { id deployment { name } } state { id type } } }`,
    );
    const everything = await subscribe(t.adminKey!, QUERY, {});
    const one = await subscribe(t.adminKey!, QUERY, { d: deployments[3]!.id });
    // both listening (their marks came): every run of the pass reaches them
    const [seenAll, seenOne] = [everything.items.length, one.items.length];
    reads.clear();

    const { runsInserted } = await t.app.services.scheduling.schedule();
    expect(runsInserted).toBeGreaterThanOrEqual(1_200);
    const fresh = (items: Event[], from: number) =>
      items.slice(from).filter((e) => e.flowRunStateChanged.previousStateType === null);
    const all = await everything.waitFor((items) => fresh(items, seenAll).length >= runsInserted, 60_000);
    const mine = await one.waitFor((items) => fresh(items, seenOne).length >= runsInserted / 20, 60_000);
    const ids = new Set(fresh(all, seenAll).map((e) => e.flowRunStateChanged.flowRun.id));
    expect(ids.size).toBe(runsInserted);
    expect(fresh(mine, seenOne).every((e) => e.flowRunStateChanged.flowRun.deployment?.name === "every-minute-3")).toBe(
      true,
    );
    // per event that would be two reads each (run, state); in chunks of 500 it is a handful
    const counted = Object.fromEntries(reads);
    expect(counted["FlowRun.findUniqueOrThrow"] ?? 0).toBe(0);
    expect(counted["FlowRunState.findUniqueOrThrow"] ?? 0).toBe(0);
    expect(counted["FlowRun.findMany"]).toBeGreaterThan(0);
    expect(counted["FlowRun.findMany"]).toBeLessThanOrEqual(2 * Math.ceil(runsInserted / 500) + deployments.length);
    everything.stop();
    one.stop();
  });

  it("keeps the others of a shared subscription going when the first one leaves, and lets a newcomer join", async () => {
    const d = await applyDeployment(t, { flowName: "reads", name: "leave" });
    const id = await createRun(t, d.id);
    const QUERY = graphql(
      `subscription($id: ID!) { flowRunStateChanged(flowRunId: $id) { flowRun { id } state { id type } } }`,
    );
    let flip = 0;
    const change = async () =>
      (await t.ok(SET_STATE, { id, t: flip++ % 2 ? "PENDING" : "RUNNING" })).setFlowRunState.state.id as string;
    const got = (s: Collected<Event>, stateId: string) =>
      s.items.some((e) => e.flowRunStateChanged.state.id === stateId);
    const first = await subscribe(t.adminKey!, QUERY, { id });
    // the second joins the first's stream (same document, variables and key)
    const second = await subscribe(t.adminKey!, QUERY, { id });
    const before = await change();
    await Promise.all([first, second].map((s) => s.waitFor(() => got(s, before))));
    first.stop();
    const afterLeaving = await change();
    await second.waitFor((items) => items.some((e) => e.flowRunStateChanged.state.id === afterLeaving));
    const third = await subscribe(t.adminKey!, QUERY, { id });
    const both = await change();
    await Promise.all(
      [second, third].map((s) => s.waitFor((items) => items.some((e) => e.flowRunStateChanged.state.id === both))),
    );
    second.stop();
    third.stop();
  });
});
