// One flow run kept live: the FlowRunDetail query, with every state change the subscription reports
// patched in at once (badge, timeline), then a re-read for what the event does not carry (run count,
// pid, heartbeat).
import { useEffect, useMemo, useRef, useState } from "react";
import { useClient, useQuery } from "urql";
import type { ListeningContext } from "../../api/client";
import { TERMINAL_STATE_TYPES } from "../../components/state-badge";
import {
  FlowRunDetailDocument,
  type FlowRunDetailQuery,
  type FlowRunRowFragment,
  FlowRunStateChangesDocument,
} from "../../generated/graphql";

export type FlowRunDetail = NonNullable<FlowRunDetailQuery["flowRun"]>;
export type RunState = FlowRunDetail["states"][number];

/** A run's heartbeat is renewed silently (no state event): re-read it this often while it is active. */
const REFRESH_ACTIVE_MS = 30_000;

interface LiveEvent {
  row: FlowRunRowFragment;
  state: RunState;
}

export function useLiveRun(id: string) {
  const client = useClient();
  const [result, reexecute] = useQuery({ query: FlowRunDetailDocument, variables: { id } });
  // (the page is keyed by the run id: another run starts with no events)
  const [events, setEvents] = useState<LiveEvent[]>([]);

  // the client's own subscription (not useSubscription): every event counts, even several in one
  // render, since a run can pass SCHEDULED → PENDING → RUNNING within milliseconds
  const refresh = useRef(reexecute);
  useEffect(() => {
    refresh.current = reexecute;
  }, [reexecute]);
  useEffect(() => {
    let reread: ReturnType<typeof setTimeout> | undefined;
    // listening (first, or again after a reconnect): one re-read covers changes made before
    const context: ListeningContext = { onListening: () => refresh.current({ requestPolicy: "network-only" }) };
    const subscription = client.subscription(FlowRunStateChangesDocument, { flowRunId: id }, context);
    const { unsubscribe } = subscription.subscribe((answer) => {
      const event = answer.data?.flowRunStateChanged;
      if (!event) return;
      setEvents((old) => [...old, { row: event.flowRun, state: event.state }]);
      // one re-read after a burst of changes, not one per change
      clearTimeout(reread);
      reread = setTimeout(() => refresh.current({ requestPolicy: "network-only" }), 300);
    });
    return () => {
      clearTimeout(reread);
      unsubscribe();
    };
  }, [client, id]);

  const run = useMemo(() => merge(result.data?.flowRun ?? null, events), [result.data, events]);

  const active = run !== null && !TERMINAL_STATE_TYPES.includes(run.stateType);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => refresh.current({ requestPolicy: "network-only" }), REFRESH_ACTIVE_MS);
    return () => clearInterval(timer);
  }, [active]);

  return {
    run,
    /** true once the query answered (a null run then means: no such run) */
    loaded: result.data !== undefined,
    fetching: result.fetching,
    error: result.error,
    reload: () => reexecute({ requestPolicy: "network-only" }),
  };
}

/**
 * The stored run with the live events laid over it. The timeline is the union of both (by state id,
 * oldest first); the header fields come from whichever is newer, so a slow re-read never takes the
 * badge back to an older state.
 */
function merge(stored: FlowRunDetail | null, events: LiveEvent[]): FlowRunDetail | null {
  if (!stored) return null;
  const byId = new Map(stored.states.map((s) => [s.id, s]));
  for (const e of events) if (!byId.has(e.state.id)) byId.set(e.state.id, e.state);
  const states = [...byId.values()].sort((a, b) => time(a.timestamp) - time(b.timestamp));
  const storedLatest = stored.states.at(-1);
  const newest = events.reduce<LiveEvent | null>(
    (best, e) => (!best || time(e.state.timestamp) >= time(best.state.timestamp) ? e : best),
    null,
  );
  const eventIsNewer =
    newest !== null &&
    (!storedLatest ||
      (newest.state.id !== storedLatest.id && time(newest.state.timestamp) > time(storedLatest.timestamp)));
  return eventIsNewer ? { ...stored, ...newest.row, states } : { ...stored, states };
}

function time(iso: string): number {
  return new Date(iso).getTime();
}
