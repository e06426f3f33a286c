// Subscribers of one operation share its execution: a subscription with the same document,
// operation name, variables and principal as one already running joins that one's stream of
// results instead of executing every event again for itself (graphql-ws or SSE alike).
//
// Each subscriber still subscribes for itself first — its own validation, authentication and
// subscribe-time authorization — and only then gives its own stream back for the shared one; its
// revocation and error masking stay downstream, per subscriber. Sharing is safe because every
// input of the execution is in the key: the same principal asking the same thing with the same
// variables gets the same answer, field-level authorization and secret masking included.
import { print, type DocumentNode, type ExecutionResult } from "graphql";
import { FixedBuffer, Repeater, type Plugin } from "graphql-yoga";
import { SUBSCRIBER_QUEUE, SubscriberTooSlowError } from "../events/bounded-pub-sub.js";
import type { GraphQLContext } from "../graphql/context.js";

interface Consumer {
  push(value: ExecutionResult): unknown;
  stop(error?: unknown): unknown;
}

interface Group {
  source: AsyncIterator<ExecutionResult>;
  consumers: Set<Consumer>;
}

const printed = new WeakMap<DocumentNode, string>();

function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

export function shareSubscriptionExecutions(): Plugin<GraphQLContext> {
  const groups = new Map<string, Group>();

  /** Pulls the group's one stream and hands each result to every subscriber, in order. */
  const pump = async (key: string, group: Group) => {
    try {
      for (;;) {
        const next = await group.source.next();
        if (next.done) break;
        for (const consumer of group.consumers) {
          try {
            // taken by the subscriber's queue at once; only a full queue makes it wait, or throw
            void Promise.resolve(consumer.push(next.value)).catch(() => {});
          } catch {
            // a subscriber too far behind (its queue is full) ends alone, not the group
            consumer.stop(new SubscriberTooSlowError("results"));
          }
        }
      }
      for (const consumer of group.consumers) consumer.stop();
    } catch (e) {
      for (const consumer of group.consumers) consumer.stop(e);
    } finally {
      if (groups.get(key) === group) groups.delete(key);
    }
  };

  /**
   * A subscriber's stream. Decided when the subscriber first reads (as its own stream would have
   * started then): the first of a key runs its own stream for the group, the others give theirs
   * back unread and join. The last one to leave ends the shared stream.
   */
  const share = (key: string, own: AsyncIterable<ExecutionResult>): AsyncIterableIterator<ExecutionResult> =>
    new Repeater<ExecutionResult>(async (push, stop) => {
      const consumer: Consumer = { push, stop };
      let group = groups.get(key);
      if (group) {
        void own[Symbol.asyncIterator]().return?.();
        group.consumers.add(consumer);
      } else {
        group = { source: own[Symbol.asyncIterator](), consumers: new Set([consumer]) };
        groups.set(key, group);
        void pump(key, group);
      }
      await stop;
      group.consumers.delete(consumer);
      if (group.consumers.size === 0) {
        if (groups.get(key) === group) groups.delete(key);
        await group.source.return?.();
      }
      // each subscriber's own queue: the shared stream never waits for its slowest reader, and a
      // burst (thousands of results at once) waits here instead of overflowing the repeater
    }, new FixedBuffer(SUBSCRIBER_QUEUE));

  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          const principal = (args.contextValue as GraphQLContext).principal;
          let key: string;
          try {
            key = JSON.stringify([
              principal ? [principal.keyId, principal.name, [...principal.scopes].sort()] : null,
              args.operationName ?? null,
              args.variableValues ?? null,
              documentText(args.document),
            ]);
          } catch {
            return;
          }
          setResult(share(key, result as AsyncIterable<ExecutionResult>));
        },
      };
    },
  };
}
