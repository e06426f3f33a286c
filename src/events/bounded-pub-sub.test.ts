// A burst larger than yoga's 1,024 pending pushes waits in the subscriber's queue; past the queue,
// only that subscriber ends (with an error saying so), the publisher and the others go on.
import { describe, expect, it } from "vitest";
import { createBoundedPubSub, SubscriberTooSlowError } from "./bounded-pub-sub.js";
import type { FlowRunStateChangedEvent } from "./topics.js";

const event = (n: number) => ({ flowRunId: `run-${n}` }) as FlowRunStateChangedEvent;

describe("createBoundedPubSub", () => {
  it("keeps a burst of 5,000 events, published before the subscriber reads one, in order", async () => {
    const bus = createBoundedPubSub();
    const sub = bus.subscribe("flow-run.state-changed");
    const first = sub.next(); // starts the subscription, as a reader does
    for (let n = 0; n < 5_000; n++) bus.publish("flow-run.state-changed", event(n));
    const seen = [(await first).value.flowRunId];
    while (seen.length < 5_000) seen.push((await sub.next()).value.flowRunId);
    expect(seen).toEqual(Array.from({ length: 5_000 }, (_, n) => `run-${n}`));
    await sub.return?.();
  });

  it("ends only the subscriber past its queue, with an error; the publisher and a reader go on", async () => {
    const bus = createBoundedPubSub(new EventTarget(), 100);
    const slow = bus.subscribe("flow-run.state-changed");
    const fast = bus.subscribe("flow-run.state-changed");
    const slowFirst = slow.next();
    const fastFirst = fast.next();
    for (let n = 0; n < 3_000; n++) {
      bus.publish("flow-run.state-changed", event(n));
      const got = n === 0 ? await fastFirst : await fast.next();
      expect(got.value.flowRunId).toBe(`run-${n}`);
    }
    // the slow one gets what its queue held (100 buffered + yoga's 1,024 pending), then the error
    expect((await slowFirst).value.flowRunId).toBe("run-0");
    let delivered = 1;
    const error = await (async () => {
      try {
        while (!(await slow.next()).done) delivered++;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SubscriberTooSlowError);
    expect(delivered).toBeGreaterThanOrEqual(100);
    expect(delivered).toBeLessThan(3_000);
    await fast.return?.();
  });
});
