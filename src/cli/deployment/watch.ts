// Following a flow run to its end: the flowRunStateChanged subscription wakes the watcher, and the
// run's state history (read on each event, and every few seconds in case the socket misses one)
// is printed in order, each state once. Resolves with the final state.
import {
  CliDeploymentRunStatesDocument,
  CliDeploymentWatchRunDocument,
  type CliDeploymentRunStateFragment,
} from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import { CliError } from "../common/errors.js";
import { FINAL_STATES } from "../display.js";

export interface WatchOptions {
  /** where each state line goes */
  print: (line: string) => void;
  /** give up after this long (ms); null: never */
  timeoutMs: number | null;
  /** seconds between reads when no event arrives */
  pollSeconds?: number;
}

export async function watchRun(
  client: OrdoClient,
  flowRunId: string,
  o: WatchOptions,
): Promise<{ name: string; state: CliDeploymentRunStateFragment }> {
  const printed = new Set<string>();
  let wake: () => void = () => {};
  const events = client.subscribe(CliDeploymentWatchRunDocument, { flowRunId });
  // a lost socket only slows the watch down to polling
  void (async () => {
    for await (const _ of events) wake();
  })().catch(() => undefined);
  const deadline = o.timeoutMs === null ? Infinity : Date.now() + o.timeoutMs;
  try {
    for (;;) {
      const run = (await client.request(CliDeploymentRunStatesDocument, { id: flowRunId })).flowRun;
      if (!run) throw new CliError(`flow run ${flowRunId} is gone (its deployment was deleted?)`);
      for (const s of run.states) {
        if (printed.has(s.id)) continue;
        printed.add(s.id);
        o.print(stateLine(s));
      }
      if (FINAL_STATES.includes(run.state.type)) return { name: run.name, state: run.state };
      if (Date.now() >= deadline)
        throw new CliError(
          `flow run ${run.name} is still ${run.state.name} (${run.state.type}); stopped watching, the run goes on`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min((o.pollSeconds ?? 3) * 1000, Math.max(0, deadline - Date.now())));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    // not awaited: a generator waiting for its next event settles only when the client's socket closes
    void events.return?.(undefined).catch(() => undefined);
  }
}

function stateLine(s: CliDeploymentRunStateFragment): string {
  const time = new Date(s.timestamp)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  const name = s.name.toUpperCase() === s.type ? "" : ` (${s.name})`;
  return `${time}  ${s.type}${name}${s.message ? `  ${s.message}` : ""}`;
}
