// A paginated runs list kept live: pages of the FlowRuns query (newest expected start first), and
// every state change the subscription reports patched in place — or added on top when a new run
// matches, or dropped when a run leaves the filter — without reloading. New runs are added on top
// up to a bound; past it the list only counts them ("N newer runs"), so a burst of thousands of
// runs cannot grow the page without end, and changes are applied in batches (apply-run-changes).
// The page is read again whenever the subscription (re)starts listening: nothing falls between.
import { useEffect, useMemo, useRef, useState } from "react";
import { useClient, useQuery } from "urql";
import type { ListeningContext } from "../../api/client";
import { type FlowRunFilter, FlowRunStateChangesDocument, FlowRunsDocument } from "../../generated/graphql";
import { applyRunChanges, type LiveListState, type RunChange } from "./apply-run-changes";
import { type RunFilters, toApiFilter } from "./run-filters";

const PAGE = 50;
/** new runs shown on top before the list only counts them */
const MAX_LIVE_ADDED = 100;
/** live changes are applied together at most this often: one render per burst, not per event */
const FLUSH_MS = 100;
const EMPTY: LiveListState = { rows: [], added: 0, created: 0, newer: 0 };

export function useLiveRuns(filters: RunFilters) {
  const filterKey = JSON.stringify(filters);
  // the same filters object as long as the filters are the same: effects below depend on it
  const stable = useMemo(() => filters, [filterKey]);
  const filter: FlowRunFilter = useMemo(() => toApiFilter(stable), [stable]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [live, setLive] = useState<LiveListState>(EMPTY);
  const [generation, setGeneration] = useState(0);
  const [result, reexecute] = useQuery({
    query: FlowRunsDocument,
    variables: { first: PAGE, after: cursor, filter },
    requestPolicy: "network-only",
    context: useMemo(() => ({ generation }), [generation]),
  });

  // a new filter starts again from the first page
  useEffect(() => {
    setCursor(null);
    setLive(EMPTY);
  }, [filterKey]);
  useEffect(() => {
    const page = result.data?.flowRuns.edges.map((e) => e.node);
    if (!page) return;
    setLive((old) => {
      // the first page starts the counts again; later pages append what is not shown yet
      if (!cursor) return { ...EMPTY, rows: page };
      const seen = new Set(old.rows.map((r) => r.id));
      return { ...old, rows: [...old.rows, ...page.filter((r) => !seen.has(r.id))] };
    });
  }, [result.data, cursor]);

  // events are queued and applied together, in order, at most every FLUSH_MS
  const client = useClient();
  const reread = useRef(reexecute);
  useEffect(() => {
    reread.current = reexecute;
  }, [reexecute]);
  useEffect(() => {
    let queue: RunChange[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const changes = queue;
      queue = [];
      setLive((old) => applyRunChanges(old, changes, stable, MAX_LIVE_ADDED));
    };
    const variables = { deploymentId: stable.deploymentId ?? undefined, workPoolName: stable.pool ?? undefined };
    // listening (first, or again after a reconnect): the page is read again, since changes made
    // before then came as no event
    const context: ListeningContext = { onListening: () => reread.current({ requestPolicy: "network-only" }) };
    const subscription = client.subscription(FlowRunStateChangesDocument, variables, context);
    const { unsubscribe } = subscription.subscribe((event) => {
      const change = event.data?.flowRunStateChanged;
      if (!change) return;
      queue.push({ run: change.flowRun, fresh: change.previousStateType === null });
      timer ??= setTimeout(flush, FLUSH_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [client, stable]);

  const connection = result.data?.flowRuns;
  return {
    rows: live.rows,
    total: (connection?.totalCount ?? 0) + live.created + live.newer,
    /** new runs counted but not shown (past the live bound) */
    newer: live.newer,
    hasMore: connection?.pageInfo.hasNextPage ?? false,
    loading: result.fetching,
    error: result.error,
    loadMore: () => connection?.pageInfo.endCursor && setCursor(connection.pageInfo.endCursor),
    /** back to the first page, newest first */
    showNewer: () => {
      setCursor(null);
      setGeneration((g) => g + 1);
    },
  };
}
