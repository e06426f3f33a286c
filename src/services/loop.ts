// A background loop: runs a task every `everySeconds`, never two at once, logging failures
// (a database outage briefly) instead of dying, and stopping cleanly (waiting for a pass in flight).
import { isUnavailable } from "../db/unavailable.js";
import type { Logger } from "./logger.js";

export interface Loop {
  readonly name: string;
  stop(): Promise<void>;
}

export function startLoop(name: string, everySeconds: number, task: () => Promise<unknown>, logger: Logger): Loop {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    running = task()
      .then(() => undefined)
      // an outage is not a bug: one line per pass, no stack
      .catch((e) =>
        isUnavailable(e)
          ? logger.warn(`${name}: the database is unavailable; next pass in ${everySeconds}s`)
          : logger.error(`${name} failed`, e),
      )
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, everySeconds * 1000);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    name,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
