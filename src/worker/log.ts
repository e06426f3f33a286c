// The worker's own log: timestamped lines on stdout, and its runs' output lines prefixed with the run name.
import type { BlockLogger } from "../blocks/index.js";

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** a line of a run's output, passed on as it is but for the prefix */
  output(runName: string, line: string): void;
}

export function consoleLog(write: (text: string) => void = (t) => process.stdout.write(t)): WorkerLog {
  const at = (level: string, message: string) => write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  return {
    info: (m) => at("INFO", m),
    warn: (m) => at("WARN", m),
    error: (m) => at("ERROR", m),
    output: (run, line) => write(`[${run}] ${line}\n`),
  };
}

/** One line for any thrown value, with the cause of fetch's "fetch failed" (ECONNREFUSED…), which says what happened. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error))
    return typeof e === "object" && e !== null && "reason" in e
      ? `connection closed (${String((e as { reason: unknown }).reason) || "no reason"})`
      : String(e);
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail && !e.message.includes(detail) ? `${e.message}: ${detail}` : e.message;
}

/** What blocks log (they get the host's logger injected), in the worker's log. */
export function prefixedLogger(log: WorkerLog, prefix: string): BlockLogger {
  return {
    debug: () => undefined,
    info: (m) => log.info(`${prefix}: ${m}`),
    warn: (m) => log.warn(`${prefix}: ${m}`),
    error: (m) => log.error(`${prefix}: ${m}`),
  };
}
