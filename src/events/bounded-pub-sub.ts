// graphql-yoga's createPubSub with a queue of its own per subscriber: a burst (a scheduler pass
// announces thousands of new runs in one go) waits in the subscriber's queue, and a subscriber that
// falls further behind than that ends alone, with an error. yoga's version throws inside the event
// target's listener once 1,024 events wait, which crashed the whole server.
import { setMaxListeners } from "node:events";
import { GraphQLError } from "graphql";
import { FixedBuffer, type PubSub, Repeater } from "graphql-yoga";
import { joinBurst } from "./bursts.js";
import type { Topics } from "./topics.js";

/** Events one subscriber may have waiting (≈ 300 bytes each) before its stream ends. */
export const SUBSCRIBER_QUEUE = 20_000;

/**
 * Ends a subscriber that fell too far behind. A GraphQLError with its own code, so the client is
 * told why (and that subscribing again is the remedy) instead of getting a masked internal error.
 */
export class SubscriberTooSlowError extends GraphQLError {
  constructor(what: string) {
    super(`this subscription fell more than ${SUBSCRIBER_QUEUE} ${what} behind and was ended; subscribe again`, {
      extensions: { code: "SUBSCRIPTION_TOO_SLOW" },
    });
  }
}

export function createBoundedPubSub(target: EventTarget = new EventTarget(), queue = SUBSCRIBER_QUEUE): PubSub<Topics> {
  // one listener per subscription (and per open socket, for revocations): Node's warning about an
  // 11th listener of a topic ("possible memory leak") is off, or every busy server would log it
  if (target instanceof EventTarget) setMaxListeners(0, target);
  const topicOf = (routingKey: string, id: unknown) => (id === undefined ? routingKey : `${routingKey}:${id}`);
  return {
    publish(routingKey: string, ...args: unknown[]) {
      const payload = args[1] ?? args[0] ?? null;
      const topic = args[1] === undefined ? routingKey : `${routingKey}:${args[0]}`;
      target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
    },
    subscribe(routingKey: string, id?: unknown) {
      const topic = topicOf(routingKey, id);
      return new Repeater((push, stop) => {
        const listener = (event: Event) => {
          const payload = (event as CustomEvent).detail;
          if (payload !== null && typeof payload === "object") joinBurst(routingKey, payload);
          try {
            // a push the buffer took resolves at once; only a full queue makes it wait, or throw
            void push(payload).catch(() => {});
          } catch {
            stop(new SubscriberTooSlowError(`${routingKey} events`));
          }
        };
        target.addEventListener(topic, listener);
        void stop.then(() => target.removeEventListener(topic, listener));
      }, new FixedBuffer(queue));
    },
  } as PubSub<Topics>;
}
