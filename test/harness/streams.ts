// Collects an async stream (a subscription) in the background, so a test can wait for a condition
// on everything received so far instead of sleeping.
export interface Collected<T> {
  readonly items: T[];
  /** resolves with all items once `done(items)` holds (or rejects after timeoutMs) */
  waitFor(done: (items: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** repeats `poke` until `done(items)` holds: for subscriptions that register asynchronously */
  waitUntil(poke: () => Promise<void>, done: (items: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

export function collect<T>(source: AsyncIterableIterator<T>): Collected<T> {
  const items: T[] = [];
  let error: unknown = null;
  let wake: () => void = () => {};
  void (async () => {
    try {
      for await (const item of source) {
        items.push(item);
        wake();
      }
    } catch (e) {
      error = e;
      wake();
    }
  })();
  const waitFor = async (done: (items: T[]) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(items)) {
      if (error) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms with ${items.length} items`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(left, 250));
      });
    }
    return items;
  };
  return {
    items,
    waitFor,
    async waitUntil(poke, done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(items)) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
        await poke();
        await waitFor(done, 300).catch(() => undefined);
      }
      return items;
    },
    stop: () => void source.return?.(),
  };
}
