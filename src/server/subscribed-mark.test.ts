// The "subscribed" mark comes only once the stream's listener is on the bus and the bus says it is
// listening: an event published right after the mark is delivered. The mark's wait leaves no
// rejection unhandled and stops the stream when the subscriber leaves.
import type { ExecutionResult } from "graphql";
import { filter, pipe } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { createBoundedPubSub } from "../events/bounded-pub-sub.js";
import type { FlowRunStateChangedEvent } from "../events/topics.js";
import { SUBSCRIBED_MARK, wantsSubscribedMark, withSubscribedMark } from "./subscribed-mark.js";

const event = (flowRunId: string) => ({ flowRunId }) as FlowRunStateChangedEvent;

/** a subscription's stream as the schema builds it: lazy repeaters, the listener added on first read */
function stream(bus: ReturnType<typeof createBoundedPubSub>) {
  return pipe(
    bus.subscribe("flow-run.state-changed"),
    filter((e: FlowRunStateChangedEvent) => e.flowRunId !== "ignored"),
  ) as unknown as AsyncIterable<ExecutionResult>;
}

describe("withSubscribedMark", () => {
  it("answers the mark once the listener is on the bus: an event published right after it arrives", async () => {
    const bus = createBoundedPubSub();
    const marked = withSubscribedMark(stream(bus), async () => {});
    expect(await marked.next()).toEqual({ done: false, value: SUBSCRIBED_MARK });
    // synchronously after the mark, before anything else runs: a listener not yet added would lose it
    bus.publish("flow-run.state-changed", event("ignored"));
    bus.publish("flow-run.state-changed", event("a"));
    expect((await marked.next()).value).toEqual({ flowRunId: "a" });
    await marked.return?.();
  });

  it("waits for the bus to be listening (Redis's acknowledgement) before the mark", async () => {
    const bus = createBoundedPubSub();
    let acknowledge!: () => void;
    const acknowledged = new Promise<void>((resolve) => {
      acknowledge = resolve;
    });
    const marked = withSubscribedMark(stream(bus), () => acknowledged);
    const mark = marked.next();
    const early = await Promise.race([mark, new Promise((resolve) => setTimeout(() => resolve("waiting"), 50))]);
    expect(early).toBe("waiting");
    acknowledge();
    expect(await mark).toEqual({ done: false, value: SUBSCRIBED_MARK });
    await marked.return?.();
  });

  it("hands a stream's failure before the mark to the read after it, not to the process", async () => {
    const failing: AsyncIterable<ExecutionResult> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("bus gone")) }),
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const marked = withSubscribedMark(failing, () => new Promise((resolve) => setTimeout(resolve, 20)));
      expect((await marked.next()).value).toBe(SUBSCRIBED_MARK);
      await expect(marked.next()).rejects.toThrow("bus gone");
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("stops the stream when the subscriber leaves, while it waits for an event", async () => {
    const bus = createBoundedPubSub();
    const marked = withSubscribedMark(stream(bus), async () => {});
    await marked.next();
    const waiting = marked.next();
    await marked.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it("is sent only to a subscriber that asks for it", () => {
    expect(wantsSubscribedMark({ announceSubscribed: true })).toBe(true);
    expect(wantsSubscribedMark({ announceSubscribed: "yes" })).toBe(false);
    expect(wantsSubscribedMark(undefined)).toBe(false);
  });
});
