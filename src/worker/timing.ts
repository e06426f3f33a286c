// Sleeping that can be cut short: the claim loop's wake-ups, backoff between retries, deadlines.
import { backoffWithJitterMs } from "../client/retry.js";

/** Resolves after `ms`, or early (never rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Exponential backoff from `baseSeconds`, doubled per consecutive failure, capped, with jitter (client/retry.ts). */
export function backoffMs(failures: number, baseSeconds: number, capSeconds = 30): number {
  return backoffWithJitterMs(failures, baseSeconds * 1000, capSeconds * 1000);
}

/** A sleep that wake() ends early; a wake while awake is kept, so the next sleep returns at once. */
export class Alarm {
  private pending = false;
  private ring: (() => void) | null = null;

  wake(): void {
    if (this.ring) this.ring();
    else this.pending = true;
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.ring = null;
        resolve();
      }
      this.ring = done;
    });
  }
}

/** Resolves once `test()` holds or `deadline()` (epoch ms, re-read each time so it can be moved) passes; true if it held. */
export async function waitFor(test: () => boolean, deadline: () => number, stepMs = 100): Promise<boolean> {
  while (!test()) {
    if (Date.now() >= deadline()) return false;
    await sleep(Math.min(stepMs, Math.max(1, deadline() - Date.now())));
  }
  return true;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    // named like fetch's own timeouts: an outage (client/retry.ts isOutage), not an answer
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`${what}: no answer within ${Math.round(ms / 1000)}s`), { name: "TimeoutError" }),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
