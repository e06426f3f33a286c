// Publishes domain events to subscribers: in memory for one server, or through Redis pub/sub when
// several replicas must see each other's events (graphql-yoga's Redis event target).
import { createPubSub, type PubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import { createNamespacedRedisTarget } from "./redis-event-target.js";
import type { Topics } from "./topics.js";

export type EventBus = PubSub<Topics> & { close(): Promise<void> };

export interface RedisBusOptions {
  url: string;
  /** channel prefix: servers with different prefixes never see each other's events */
  prefix: string;
  warn(message: string): void;
}

export function createEventBus(redis: RedisBusOptions | null): EventBus {
  if (!redis) {
    return Object.assign(createPubSub<Topics>(), { close: async () => {} });
  }
  const publishClient = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const pubsub = createPubSub<Topics>({
    eventTarget: createNamespacedRedisTarget({
      publishClient,
      subscribeClient,
      prefix: redis.prefix,
      onMalformed: (channel, reason) => redis.warn(`dropped a malformed event on Redis channel ${channel} (${reason})`),
    }) as never,
  });
  return Object.assign(pubsub, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
