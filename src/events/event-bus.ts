// Publishes domain events to subscribers: in memory for one server, or through Redis pub/sub when
// several replicas must see each other's events (graphql-yoga's Redis event target).
import { createPubSub, type PubSub } from "graphql-yoga";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import type { Topics } from "./topics.js";

export type EventBus = PubSub<Topics> & { close(): Promise<void> };

export function createEventBus(redisUrl: string | null): EventBus {
  if (!redisUrl) {
    return Object.assign(createPubSub<Topics>(), { close: async () => {} });
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const pubsub = createPubSub<Topics>({
    eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
  });
  return Object.assign(pubsub, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
