// Subscriptions across server replicas: two apps on one database share events through real
// Redis (ORDO_REDIS_URL), so a client of replica A sees a run changed through replica B; a server
// of another database on the same Redis sees none of them, and malformed messages are dropped.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowRunStateChangedDocument } from "../../src/client/generated/graphql.js";
import { OrdoClient } from "../../src/client/ordo-client.js";
import { collect } from "../harness/streams.js";
import { sameKeyAs } from "../harness/same-key.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { createNamespacedRedisTarget } from "../../src/events/redis-event-target.js";
import { graphql } from "../harness/documents.js";

const redisUrl = process.env.ORDO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
let a: TestApp;
let b: TestApp;
let clientOfA: OrdoClient;

beforeAll(async () => {
  a = await createTestApp({ redisUrl });
  b = await createTestApp({ redisUrl, databaseUrl: a.databaseUrl, ...sameKeyAs(a) });
  clientOfA = new OrdoClient((await a.app.start()).url, { apiKey: a.adminKey });
});
afterAll(async () => {
  await clientOfA.close();
  await b.close();
  await a.close();
});

describe("fan-out through Redis", () => {
  it("delivers a state change made on replica B to a subscriber of replica A", async () => {
    const d = await b.ok(
      graphql(`mutation { applyDeployment(input: { flowName: "fan", name: "out" }) { deployment { id } } }`),
    );
    const deploymentId = d.applyDeployment.deployment.id as string;
    // listening once the mark comes: A's server has Redis's acknowledgement of its channel by then
    const events = collect(await clientOfA.listen(FlowRunStateChangedDocument, { deploymentId }));
    const r = await b.ok(graphql(`mutation($id: ID!) { createFlowRun(input: { deploymentId: $id }) { id } }`), {
      id: deploymentId,
    });
    const run = r.createFlowRun.id as string;
    await b.ok(
      graphql(`mutation($id: ID!) { setFlowRunState(input: { flowRunId: $id, state: { type: PENDING } }) { status } }`),
      { id: run },
    );
    // both of the run's changes, in order: nothing was lost while A was subscribing
    const all = await events.waitFor((items) => items.length >= 2);
    expect(all.map((e) => [e.flowRunStateChanged.flowRun.id, e.flowRunStateChanged.state.type])).toEqual([
      [run, "SCHEDULED"],
      [run, "PENDING"],
    ]);
    events.stop();
  });

  it("keeps a server of another database on the same Redis deaf to these events, and drops malformed messages", async () => {
    const other = await createTestApp({ redisUrl });
    const otherClient = new OrdoClient((await other.app.start()).url, { apiKey: other.adminKey });
    const raw = new Redis(redisUrl);
    try {
      const foreign = collect(await otherClient.listen(FlowRunStateChangedDocument, {}));
      const mine = collect(await clientOfA.listen(FlowRunStateChangedDocument, {}));
      const d = await b.ok(
        graphql(`mutation { applyDeployment(input: { flowName: "fan", name: "deaf" }) { deployment { id } } }`),
      );
      const id = d.applyDeployment.deployment.id as string;
      // garbage on this database's own channel (and on the bare topic name) reaches no subscriber
      const channels = (await raw.pubsub("CHANNELS", "*flow-run.state-changed*")) as string[];
      expect(channels.length).toBeGreaterThan(0);
      for (const channel of [...channels, "flow-run.state-changed"]) {
        await raw.publish(channel, "not json");
        await raw.publish(channel, JSON.stringify({ flowRunId: 42 }));
      }
      const created = [
        (await b.ok(graphql(`mutation($id: ID!) { createFlowRun(input: { deploymentId: $id }) { id } }`), { id }))
          .createFlowRun.id,
      ];
      await mine.waitFor((all) => all.some((e) => e.flowRunStateChanged.flowRun.id === created[0]));
      // the other server's own change arrives to its subscriber: it is listening, just not to us
      await other.ok(graphql(`mutation { applyDeployment(input: { flowName: "other", name: "d" }) { created } }`));
      const theirs = [
        (await other.ok(graphql(`mutation { createFlowRun(input: { deploymentSlug: "other/d" }) { id } }`)))
          .createFlowRun.id,
      ];
      const seen = await foreign.waitFor((all) => all.length > 0);
      expect(seen.every((e) => theirs.includes(e.flowRunStateChanged.flowRun.id))).toBe(true);
      expect(mine.items.every((e) => created.includes(e.flowRunStateChanged.flowRun.id))).toBe(true);
      foreign.stop();
      mine.stop();
    } finally {
      raw.disconnect();
      await otherClient.close();
      await other.close();
    }
  });

  it("reports Redis commands that fail on a closed connection instead of leaving them unhandled", async () => {
    // an unhandled rejection would fail this file (vitest) and, in a server, end the process
    const publishClient = new Redis(redisUrl);
    const subscribeClient = new Redis(redisUrl);
    const failed: string[] = [];
    const target = createNamespacedRedisTarget({
      publishClient,
      subscribeClient,
      prefix: `closed-${Date.now()}:`,
      onMalformed: () => undefined,
      onCommandFailed: (command, reason) => failed.push(`${command}: ${reason}`),
    });
    const listener = () => undefined;
    target.addEventListener("log.created", listener);
    await new Promise((r) => subscribeClient.once("ready", r));
    publishClient.disconnect();
    subscribeClient.disconnect();
    target.dispatchEvent(new CustomEvent("log.created", { detail: { logId: "l", flowRunId: "r" } }));
    target.removeEventListener("log.created", listener);
    await expect.poll(() => failed.length).toBe(2);
    // the two connections fail in either order
    expect([...failed].sort()).toEqual([
      expect.stringMatching(/^PUBLISH: Connection is closed/),
      expect.stringMatching(/^UNSUBSCRIBE: Connection is closed/),
    ]);
  });
});
