// getRunLogger(): log lines that reach the run's logs under the executor, and the console otherwise.
import { format } from "node:util";
import { currentRuntime } from "./runtime.js";

/** Python logging's levels, which the server stores (Log.level). */
export const LOG_LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 } as const;

export interface RunLogger {
  readonly name: string;
  /** arguments are formatted like console.log's (util.format) */
  debug(message: unknown, ...args: unknown[]): void;
  info(message: unknown, ...args: unknown[]): void;
  warn(message: unknown, ...args: unknown[]): void;
  error(message: unknown, ...args: unknown[]): void;
  critical(message: unknown, ...args: unknown[]): void;
}

const LEVEL_LABELS: Record<number, string> = { 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL" };

/**
 * A logger for flow code. The executor is looked up at each line, not when the logger is made,
 * so a logger created at module level (before the run starts) still ships to the run.
 */
export function getRunLogger(name = "ordo.flow_runs"): RunLogger {
  const emit = (level: number, message: unknown, args: unknown[]) => {
    const text = format(message, ...args);
    const runtime = currentRuntime();
    if (runtime) return runtime.log(level, name, text);
    const line = `${new Date().toISOString().slice(11, 23)} | ${LEVEL_LABELS[level]!.padEnd(8)} | ${name} - ${text}`;
    if (level >= LOG_LEVELS.warning) console.error(line);
    else console.log(line);
  };
  return {
    name,
    debug: (m, ...a) => emit(LOG_LEVELS.debug, m, a),
    info: (m, ...a) => emit(LOG_LEVELS.info, m, a),
    warn: (m, ...a) => emit(LOG_LEVELS.warning, m, a),
    error: (m, ...a) => emit(LOG_LEVELS.error, m, a),
    critical: (m, ...a) => emit(LOG_LEVELS.critical, m, a),
  };
}
