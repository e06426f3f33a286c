// Collects an async stream (a subscription) in the background, so a test can wait for a condition
// on everything received so far instead of sleeping. (A subscription is listening once the server's
// "subscribed" mark came: OrdoClient.listen.)
import { eventually } from "./eventually.js";

export interface Collected<T> {
  readonly items: T[];
  /** resolves with all items once `done(items)` holds (or rejects after timeoutMs) */
  waitFor(done: (items: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

export function collect<T>(source: AsyncIterableIterator<T>): Collected<T> {
  const items: T[] = [];
  let error: unknown = null;
  void (async () => {
    try {
      for await (const item of source) items.push(item);
    } catch (e) {
      error = e;
    }
  })();
  // in-memory checks: probed often, so a test waits little longer than the item takes to arrive
  const waitFor = (done: (items: T[]) => boolean, timeoutMs = 10_000) =>
    eventually(
      () => {
        if (done(items)) return items;
        if (error) throw error;
        return false;
      },
      {
        timeoutMs,
        intervalMs: 10,
        what: () => `the stream's items to satisfy the condition (${items.length} items so far)`,
      },
    );
  return {
    items,
    waitFor,
    stop: () => void source.return?.(),
  };
}
