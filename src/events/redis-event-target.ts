// Redis pub/sub for the event bus, namespaced and defensive: channels carry a prefix (the
// database's identity, or ORDO_REDIS_PREFIX) so unrelated servers sharing a Redis never see each
// other's events, and a message that is not a well-formed event is dropped with a warning
// instead of reaching a subscription as an error. A command that fails (the connection dropped or
// closed) is reported, never left as an unhandled rejection that would end the process.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import type { Redis } from "ioredis";
import type { Topics } from "./topics.js";

/** The string fields each topic's payload must carry for a subscriber to act on it. */
const REQUIRED: Record<keyof Topics, string[]> = {
  "flow-run.state-changed": ["flowRunId", "stateId", "stateType", "flowId"],
  "log.created": ["logId", "flowRunId"],
  "api-key.revoked": ["keyId"],
};

const MALFORMED = Symbol("malformed");

type Listener = (event: CustomEvent) => void;
type ListenerLike = Listener | { handleEvent: Listener };

export interface NamespacedTargetOptions {
  publishClient: Redis;
  subscribeClient: Redis;
  prefix: string;
  onMalformed(channel: string, reason: string): void;
  /** a Redis command failed: an event not sent, or a subscription not changed, on a lost connection */
  onCommandFailed?(command: string, reason: string): void;
}

/** "flow-run.state-changed" or "flow-run.state-changed:<id>" (yoga's per-id topics) → its base topic. */
function baseTopic(topic: string): string {
  return topic.split(":")[0]!;
}

function isWellFormed(topic: string, detail: unknown): boolean {
  const required = REQUIRED[baseTopic(topic) as keyof Topics];
  if (!required) return false;
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return false;
  return required.every((k) => typeof (detail as Record<string, unknown>)[k] === "string");
}

export function createNamespacedRedisTarget(opts: NamespacedTargetOptions) {
  let lastBadChannel = "";
  // SUBSCRIBE commands Redis has not acknowledged yet: until then, an event published elsewhere
  // does not reach this server (what `listening()` waits for)
  const pending = new Set<Promise<unknown>>();
  const reportFailure = (command: string) => (e: unknown) =>
    opts.onCommandFailed?.(command, e instanceof Error ? e.message : String(e));
  // yoga's target calls these three without handling their promises
  const publishClient = {
    publish: (channel: string, message: string) =>
      opts.publishClient.publish(channel, message).catch(reportFailure("PUBLISH")),
  };
  const subscribeClient = {
    on: (event: "message", listener: (channel: string, message: string) => void) =>
      opts.subscribeClient.on(event, listener),
    subscribe: (channel: string) => {
      const done = opts.subscribeClient.subscribe(channel).catch(reportFailure("SUBSCRIBE"));
      pending.add(done);
      void done.finally(() => pending.delete(done));
      return done;
    },
    unsubscribe: (channel: string) => opts.subscribeClient.unsubscribe(channel).catch(reportFailure("UNSUBSCRIBE")),
  };
  const inner = createRedisEventTarget({
    publishClient: publishClient as unknown as Redis,
    subscribeClient: subscribeClient as unknown as Redis,
    serializer: {
      stringify: JSON.stringify,
      parse: (text: string) => {
        try {
          return JSON.parse(text);
        } catch {
          return MALFORMED;
        }
      },
    },
  });
  const wrappers = new WeakMap<object, Listener>();
  const wrap = (topic: string, listener: ListenerLike): Listener => {
    const key = listener as object;
    let w = wrappers.get(key);
    if (!w) {
      const call = "handleEvent" in listener ? listener.handleEvent.bind(listener) : listener;
      w = (event: CustomEvent) => {
        if (event.detail === MALFORMED || !isWellFormed(topic, event.detail)) {
          // one warning per burst, not per subscriber
          if (lastBadChannel !== event.type)
            opts.onMalformed(event.type, event.detail === MALFORMED ? "not JSON" : "missing fields");
          lastBadChannel = event.type;
          return;
        }
        lastBadChannel = "";
        call(new CustomEvent(topic, { detail: event.detail }));
      };
      wrappers.set(key, w);
    }
    return w;
  };
  return {
    /** resolves once every channel asked for so far is subscribed (or its SUBSCRIBE failed) */
    async listening(): Promise<void> {
      await Promise.all([...pending]);
    },
    addEventListener(topic: string, listener: ListenerLike | null) {
      if (listener) inner.addEventListener(opts.prefix + topic, wrap(topic, listener));
    },
    removeEventListener(topic: string, listener: ListenerLike | null) {
      if (listener) inner.removeEventListener(opts.prefix + topic, wrap(topic, listener));
    },
    dispatchEvent(event: CustomEvent) {
      return inner.dispatchEvent(new CustomEvent(opts.prefix + event.type, { detail: event.detail }));
    },
  };
}
