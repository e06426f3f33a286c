// The "subscribed" mark: a graphql-ws subscriber that asks for it (`extensions: { announceSubscribed:
// true }` in its subscribe message) first gets `{ data: null, extensions: { subscribed: true } }`,
// sent once its stream is listening to the event bus. Every event from then on reaches it, so a
// client that reads its current state after the mark misses nothing in between (a list page, a
// log tail, a test) — without it, a change made while the subscription was still being set up
// (key check, validation, Redis SUBSCRIBE) is lost.
import type { ExecutionResult } from "graphql";

export const SUBSCRIBED_MARK: ExecutionResult = { data: null, extensions: { subscribed: true } };

/** whether a subscribe message's extensions ask for the mark */
export function wantsSubscribedMark(extensions: Record<string, unknown> | undefined | null): boolean {
  return extensions?.announceSubscribed === true;
}

/**
 * The stream with the mark in front. The first read starts the stream's own first read (which is
 * what adds its listener to the bus: the streams are lazy repeaters), lets that chain of promises
 * run, waits for the bus to be listening, and only then answers with the mark.
 */
export function withSubscribedMark(
  stream: AsyncIterable<ExecutionResult>,
  listening: () => Promise<void>,
): AsyncIterableIterator<ExecutionResult> {
  const source = stream[Symbol.asyncIterator]();
  let started: Promise<IteratorResult<ExecutionResult>> | null = null;
  let marked = false;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (!marked) {
        marked = true;
        started = source.next();
        // an error before the mark is answered by the read after it, not left unhandled meanwhile
        started.catch(() => {});
        // the listener is added a few promise hops down the chain of repeaters: let them all run
        await new Promise((resolve) => setImmediate(resolve));
        await listening();
        return { done: false, value: SUBSCRIBED_MARK };
      }
      if (started) {
        const first = started;
        started = null;
        return first;
      }
      return source.next();
    },
    async return(value?: unknown) {
      return (await source.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      if (source.throw) return source.throw(error);
      throw error;
    },
  };
}
