// `ordo flow-run logs [--follow]`: pages through a run's stored logs, and when following, tails
// the live log subscription until the run is final, printing each line once.
import {
  CliFlowRunDocument,
  CliFollowLogsDocument,
  CliFollowRunStateDocument,
  CliLogsDocument,
  type CliLogLineFragment,
  type CliLogsQuery,
  type StateType,
} from "../client/generated/graphql.js";
import type { OrdoClient } from "../client/ordo-client.js";
import { CliError } from "./common/errors.js";
import { FINAL_STATES, formatTime } from "./display.js";

export interface LogOptions {
  follow?: boolean;
  json?: boolean;
}

const PAGE = 200;
/**
 * After the final state, lines still arrive: an executor reports its final state before it ships
 * its last batch. Keep listening until the stream is quiet this long (at most QUIET_MAX_MS).
 */
const QUIET_MS = 750;
const QUIET_MAX_MS = 5_000;

const LEVELS: Record<number, string> = { 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL" };

function levelName(level: number): string {
  return LEVELS[level] ?? `LEVEL ${level}`;
}

/** Lines in order, each once (the subscription and the pages overlap). */
class LogPrinter {
  readonly seen = new Set<string>();
  constructor(private readonly json: boolean) {}

  print(line: CliLogLineFragment): void {
    if (this.seen.has(line.id)) return;
    this.seen.add(line.id);
    process.stdout.write(
      this.json
        ? `${JSON.stringify(line)}\n`
        : `${formatTime(line.timestamp)} | ${levelName(line.level).padEnd(8)} | ${line.name} - ${line.message}\n`,
    );
  }
}

/** Prints every stored line (skipping those already printed). */
async function printStored(client: OrdoClient, flowRunId: string, printer: LogPrinter): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const { logs }: CliLogsQuery = await client.request(CliLogsDocument, { flowRunId, first: PAGE, after });
    for (const { node } of logs.edges) printer.print(node);
    if (!logs.pageInfo.hasNextPage || !logs.pageInfo.endCursor) return;
    after = logs.pageInfo.endCursor;
  }
}

export async function printLogs(client: OrdoClient, flowRunId: string, opts: LogOptions): Promise<void> {
  const printer = new LogPrinter(Boolean(opts.json));
  await printStored(client, flowRunId, printer);
  if (printer.seen.size === 0 && !opts.json) process.stderr.write("no logs for this flow run\n");
}

type FollowEvent =
  | { kind: "log"; line: CliLogLineFragment }
  | { kind: "state"; type: StateType }
  | { kind: "error"; error: unknown }
  | { kind: "end" };

/**
 * Subscribes first, then pages through what is stored, so no line falls between the two; lines
 * from both are printed once by id. Ends when the run is final and its last lines have arrived.
 */
export async function followLogs(client: OrdoClient, flowRunId: string, opts: LogOptions): Promise<void> {
  const printer = new LogPrinter(Boolean(opts.json));
  const events = new EventQueue();
  // both listening (the server's "subscribed" marks came) before anything is read: a line stored
  // from here on is in the pages, or comes as an event, or both
  const [lines, states] = await Promise.all([
    client.listen(CliFollowLogsDocument, { flowRunId }),
    client.listen(CliFollowRunStateDocument, { flowRunId }),
  ]);
  events.pump(lines, (d) => ({ kind: "log", line: d.flowRunLogs }));
  events.pump(states, (d) => ({ kind: "state", type: d.flowRunStateChanged.state.type }));

  await printStored(client, flowRunId, printer);
  // read after subscribing: a run that finishes from here on is seen as an event
  const { flowRun } = await client.request(CliFlowRunDocument, { id: flowRunId });
  // a run that finished long ago has no lines in flight: the quiet wait below is then skipped
  let finalSince = flowRun && FINAL_STATES.includes(flowRun.stateType) ? Date.parse(flowRun.state.timestamp) : null;

  for (;;) {
    const wait = finalSince === null ? null : Math.min(QUIET_MS, finalSince + QUIET_MAX_MS - Date.now());
    if (wait !== null && wait <= 0) break;
    const e = await events.next(wait);
    if (e === null) break; // quiet after the final state
    if (e.kind === "log") printer.print(e.line);
    else if (e.kind === "state" && FINAL_STATES.includes(e.type)) finalSince ??= Date.now();
    else if (e.kind === "error")
      throw new CliError(`stopped following the logs: ${e.error instanceof Error ? e.error.message : String(e.error)}`);
    else if (e.kind === "end") throw new CliError("stopped following the logs: the server closed the subscription");
  }
  // a safety net should a line have reached neither the pages nor the tail: one count tells, and
  // only then is everything paged again (printing just the missing lines)
  const { logs } = await client.request(CliLogsDocument, { flowRunId, first: 1 });
  if (logs.totalCount > printer.seen.size) await printStored(client, flowRunId, printer);
}

/** Several subscriptions merged into one queue the follow loop waits on. */
class EventQueue {
  private readonly items: FollowEvent[] = [];
  private wake: (() => void) | null = null;

  pump<T>(source: AsyncIterableIterator<T>, map: (item: T) => FollowEvent): void {
    void (async () => {
      try {
        for await (const item of source) this.push(map(item));
        this.push({ kind: "end" });
      } catch (error) {
        this.push({ kind: "error", error });
      }
    })();
  }

  /** The next event, or null when none came within `timeoutMs` (null: wait forever). */
  async next(timeoutMs: number | null): Promise<FollowEvent | null> {
    if (this.items.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = timeoutMs === null ? null : setTimeout(resolve, timeoutMs);
        this.wake = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.items.shift() ?? null;
  }

  private push(e: FollowEvent): void {
    this.items.push(e);
    this.wake?.();
  }
}
