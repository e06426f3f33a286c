// The one way tests wait for something to happen: poll a probe until it holds, with a deadline.
// No test sleeps a fixed time hoping a thing is done by then, and no wait loop lacks a deadline.

const LATE = Symbol("late");

export interface EventuallyOptions {
  /** the deadline: fails once it has passed (a probe still pending then fails the wait too) */
  timeoutMs?: number;
  /** what is awaited, for the timeout's message; a function is read at the timeout (output so far …) */
  what?: string | (() => string);
  /** pause between probes */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something truthy, and resolves with that. A probe that throws ends
 * the wait with its error at once (a probe can fail fast: "the process exited", "the run left
 * RUNNING"); one that should instead retry catches its own errors and returns a falsy value.
 */
export async function eventually<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 20_000, what = "a condition", intervalMs = 100 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const timedOut = () =>
    new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}`);
  for (;;) {
    // a probe that never settles (a request to a hung server) cannot outlast the deadline by much
    const attempt = new Promise<T | undefined | null | false>((resolve) => resolve(probe()));
    attempt.catch(() => undefined); // one that fails after the deadline has nobody left to tell
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>(
      (resolve) => (timer = setTimeout(() => resolve(LATE), Math.max(deadline - Date.now(), intervalMs))),
    );
    const value = await Promise.race([attempt, late]).finally(() => clearTimeout(timer));
    if (value === LATE) throw timedOut();
    if (value) return value as T;
    if (Date.now() >= deadline) throw timedOut();
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(deadline - Date.now(), 0))));
  }
}
