// Publishes domain events to subscribers: in memory for one server, or through Redis pub/sub when
// several replicas must see each other's events (graphql-yoga's Redis event target).
import type { PubSub } from "graphql-yoga";
import { createBoundedPubSub } from "./bounded-pub-sub.js";
import type { Topics } from "./topics.js";

export type EventBus = PubSub<Topics> & {
  close(): Promise<void>;
  /**
   * Resolves once every subscription opened so far receives events: at once in memory; through
   * Redis, when Redis has acknowledged their channels (a subscriber's "subscribed" mark waits for it).
   */
  listening(): Promise<void>;
};

export interface RedisBusOptions {
  url: string;
  /** channel prefix: servers with different prefixes never see each other's events */
  prefix: string;
  warn(message: string): void;
}

export async function createEventBus(redis: RedisBusOptions | null): Promise<EventBus> {
  if (!redis) {
    return Object.assign(createBoundedPubSub(), { close: async () => {}, listening: async () => {} });
  }
  // loaded only when Redis is configured: a single server never loads ioredis
  const [{ Redis }, { createNamespacedRedisTarget }] = await Promise.all([
    import("ioredis"),
    import("./redis-event-target.js"),
  ]);
  let closing = false;
  const publishClient = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // no ready check (an INFO command) on the subscriber: sent on a reconnect while its SUBSCRIBE
  // commands replay, Redis refuses it ("only subscriber commands may be used")
  const subscribeClient = new Redis(redis.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 3,
    enableReadyCheck: false,
  });
  // a lost connection is reported, once per outage, and retried by ioredis (not an unhandled error)
  for (const [client, role] of [
    [publishClient, "publish"],
    [subscribeClient, "subscribe"],
  ] as const) {
    let reported = false;
    client.on("error", (e: Error) => {
      if (!reported) redis.warn(`Redis (${role} connection): ${e.message}; retrying`);
      reported = true;
    });
    client.on("ready", () => {
      reported = false;
    });
  }
  const target = createNamespacedRedisTarget({
    publishClient,
    subscribeClient,
    prefix: redis.prefix,
    onMalformed: (channel, reason) => redis.warn(`dropped a malformed event on Redis channel ${channel} (${reason})`),
    onCommandFailed: (command, reason) => {
      if (!closing) redis.warn(`Redis ${command} failed: ${reason}`);
    },
  });
  const pubsub = createBoundedPubSub(target as never);
  return Object.assign(pubsub, {
    listening: () => target.listening(),
    close: async () => {
      closing = true;
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
