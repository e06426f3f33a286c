// A minimal leveled logger writing one line per event to stderr.
import type { Logger, LogLevel } from "../services/logger.js";

export type { Logger, LogLevel };

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel): Logger {
  const emit = (at: LogLevel) => (msg: string, detail?: unknown) => {
    if (ORDER[at] < ORDER[level]) return;
    const extra =
      detail instanceof Error
        ? ` ${detail.stack ?? detail.message}`
        : detail !== undefined
          ? ` ${JSON.stringify(detail)}`
          : "";
    process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase()} ${msg}${extra}\n`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
