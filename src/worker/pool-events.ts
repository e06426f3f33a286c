// The pool's events over graphql-ws (new SCHEDULED runs wake the claim loop early; CANCELLING
// reaches a run at once instead of at its next heartbeat). Best effort: polling and run
// heartbeats work without it, so failures are retried quietly.
import { WorkerPoolEventsDocument, type StateType } from "../client/generated/graphql.js";
import { OrdoClient } from "../client/ordo-client.js";
import { backoffMs, sleep } from "./timing.js";

export interface PoolEvent {
  flowRunId: string;
  stateType: StateType;
}

/** Listens until `signal` aborts; reconnects with backoff whenever the subscription ends or fails. */
export async function watchPoolEvents(
  url: string,
  workPoolName: string,
  onEvent: (e: PoolEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  for (let failures = 0; !signal.aborted; ) {
    // a client per attempt: closing it is what ends a subscription blocked waiting for events
    const client = new OrdoClient(url);
    const close = () => void client.close().catch(() => undefined);
    signal.addEventListener("abort", close, { once: true });
    try {
      const events = client.subscribe(WorkerPoolEventsDocument, {
        workPoolName,
        stateTypes: ["SCHEDULED", "CANCELLING"],
      });
      for await (const { flowRunStateChanged: e } of events) {
        failures = 0;
        onEvent({ flowRunId: e.flowRun.id, stateType: e.flowRun.stateType });
      }
    } catch {
      // server away or restarting: the API calls already say so in the log
    } finally {
      signal.removeEventListener("abort", close);
      close();
    }
    if (!signal.aborted) await sleep(backoffMs(++failures, 1, 30), signal);
  }
}
