// Logs outage errors (the database or Redis unreachable) briefly: one line at most every 10 s,
// counting those in between, since an outage under load fails every request and is not a bug.
import type { Logger } from "./logger.js";

/** `what` names what failed, e.g. "operations answered SERVICE_UNAVAILABLE". */
export function outageLog(logger: Logger, what: string, everyMs = 10_000): (error: unknown) => void {
  let last = 0;
  let count = 0;
  return (error) => {
    count++;
    const now = Date.now();
    if (now - last < everyMs) return;
    // Prisma's messages start with the call site; the driver's reason is the last line
    const reason = (error instanceof Error ? error.message : String(error)).trim().split("\n").at(-1)?.trim();
    logger.warn(`database unavailable: ${count} ${what} since the last such line (${reason || "no reason given"})`);
    last = now;
    count = 0;
  };
}
