// Ships a run's log lines to the server in batches (every second or 100 lines, and a final flush),
// and captures console output into it while still printing it.
import { format } from "node:util";
import type { LogInput } from "../../client/generated/graphql.js";
import { isTransient } from "../api.js";
import { describeError } from "../log.js";

export const LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 } as const;
const LABELS: Record<number, string> = { 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL" };

/** The server takes at most 1,000 lines per call. */
const MAX_BATCH = 1000;
/** Lines kept while the server is unreachable; beyond that the oldest go, and a line says so. */
const MAX_QUEUED = 20_000;
const MAX_MESSAGE = 100_000;

export interface LogSink {
  createLogs(logs: LogInput[]): Promise<number>;
}

export class LogShipper {
  private queue: LogInput[] = [];
  private dropped = 0;
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private warned = false;

  constructor(
    private readonly sink: LogSink,
    private readonly flowRunId: string,
    private readonly options: { intervalMs?: number; batchSize?: number; warn?: (message: string) => void } = {},
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.intervalMs ?? 1000);
    // the flow decides when the process is done, not the shipper's timer
    this.timer.unref();
  }

  add(level: number, name: string, message: string): void {
    const text =
      message.length > MAX_MESSAGE
        ? `${message.slice(0, MAX_MESSAGE)}… [${message.length - MAX_MESSAGE} characters cut]`
        : message;
    this.queue.push({ flowRunId: this.flowRunId, level, name, message: text, timestamp: new Date().toISOString() });
    if (this.queue.length > MAX_QUEUED) this.dropped += this.queue.splice(0, this.queue.length - MAX_QUEUED).length;
    if (this.queue.length >= (this.options.batchSize ?? 100)) void this.flush();
  }

  /** Sends what is queued; concurrent calls share one sender, so lines keep their order. */
  flush(): Promise<void> {
    this.sending ??= this.send().finally(() => (this.sending = null));
    return this.sending;
  }

  /** Stops the timer and sends everything left, giving up after `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.sending) && Date.now() < deadline) {
      await Promise.race([this.flush(), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
      if (this.queue.length > 0 && !this.sending) await new Promise((r) => setTimeout(r, 200));
    }
    if (this.queue.length > 0) this.options.warn?.(`${this.queue.length} log lines could not be shipped to the server`);
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.dropped > 0) {
        this.queue.unshift({
          flowRunId: this.flowRunId,
          level: LEVELS.warning,
          name: "ordo.executor",
          message: `${this.dropped} log lines were dropped while the server was unreachable`,
          timestamp: new Date().toISOString(),
        });
        this.dropped = 0;
      }
      const batch = this.queue.slice(0, MAX_BATCH);
      try {
        await this.sink.createLogs(batch);
        this.queue.splice(0, batch.length);
        this.warned = false;
      } catch (e) {
        if (isTransient(e)) {
          // kept for the next tick; said once per outage
          if (!this.warned) this.options.warn?.(`could not ship logs (${describeError(e)}); will retry`);
          this.warned = true;
          return;
        }
        // refused as such (e.g. the run was deleted): resending cannot help
        this.queue.splice(0, batch.length);
        this.options.warn?.(`the server refused ${batch.length} log lines: ${describeError(e)}`);
      }
    }
  }
}

export function formatLine(level: number, name: string, message: string): string {
  return `${new Date().toISOString().slice(11, 23)} | ${(LABELS[level] ?? String(level)).padEnd(8)} | ${name} - ${message}`;
}

const CONSOLE_LEVELS = {
  debug: LEVELS.debug,
  log: LEVELS.info,
  info: LEVELS.info,
  warn: LEVELS.warning,
  error: LEVELS.error,
} as const;

/**
 * Sends console.debug/log/info/warn/error lines to `ship` as well as to the original console.
 * Returns the restore function. Writes straight to process.stdout/stderr are not captured.
 */
export function captureConsole(ship: (level: number, message: string) => void): () => void {
  const originals = new Map<keyof typeof CONSOLE_LEVELS, (...args: unknown[]) => void>();
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as Array<[keyof typeof CONSOLE_LEVELS, number]>) {
    const original = console[method];
    originals.set(method, original);
    console[method] = (...args: unknown[]) => {
      original.apply(console, args);
      ship(level, format(...args));
    };
  }
  return () => {
    for (const [method, original] of originals) console[method] = original;
  };
}
