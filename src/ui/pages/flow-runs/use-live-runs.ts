// A paginated runs list kept live: pages of the FlowRuns query (newest expected start first), and
// every state change the subscription reports patched in place — or added on top when a new run
// matches, or dropped when a run leaves the filter — without reloading. New runs are added on top
// up to a bound; past it the list only counts them ("N newer runs"), so a burst of thousands of
// runs cannot grow the page without end.
import { useEffect, useMemo, useRef, useState } from "react";
import { useClient, useQuery } from "urql";
import {
  type FlowRunFilter,
  type FlowRunRowFragment,
  FlowRunStateChangesDocument,
  FlowRunsDocument,
} from "../../generated/graphql";
import { matches, type RunFilters, toApiFilter } from "./run-filters";

const PAGE = 50;
/** new runs shown on top before the list only counts them */
const MAX_LIVE_ADDED = 100;

export function useLiveRuns(filters: RunFilters) {
  const filterKey = JSON.stringify(filters);
  // the same filters object as long as the filters are the same: effects below depend on it
  const stable = useMemo(() => filters, [filterKey]);
  const filter: FlowRunFilter = useMemo(() => toApiFilter(stable), [stable]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [rows, setRows] = useState<FlowRunRowFragment[]>([]);
  const [newer, setNewer] = useState(0);
  /** runs created since the first page was read, shown on top */
  const [created, setCreated] = useState(0);
  const [generation, setGeneration] = useState(0);
  const added = useRef(0);
  const [result] = useQuery({
    query: FlowRunsDocument,
    variables: { first: PAGE, after: cursor, filter },
    requestPolicy: "network-only",
    context: useMemo(() => ({ generation }), [generation]),
  });

  // a new filter starts again from the first page
  useEffect(() => {
    setCursor(null);
    setRows([]);
  }, [filterKey]);
  useEffect(() => {
    const page = result.data?.flowRuns.edges.map((e) => e.node);
    if (!page) return;
    if (!cursor) {
      added.current = 0;
      setNewer(0);
      setCreated(0);
    }
    setRows((old) => {
      const seen = new Set(old.map((r) => r.id));
      return cursor ? [...old, ...page.filter((r) => !seen.has(r.id))] : page;
    });
  }, [result.data, cursor]);

  // each event applied exactly once, in order; `ids` mirrors the rows shown, for the bound
  const ids = useRef(new Set<string>());
  useEffect(() => {
    ids.current = new Set(rows.map((r) => r.id));
  }, [rows]);
  const client = useClient();
  useEffect(() => {
    const variables = { deploymentId: stable.deploymentId ?? undefined, workPoolName: stable.pool ?? undefined };
    const { unsubscribe } = client.subscription(FlowRunStateChangesDocument, variables).subscribe((event) => {
      const change = event.data?.flowRunStateChanged;
      if (!change) return;
      const run = change.flowRun;
      const keep = matches(run, stable);
      const fresh = change.previousStateType === null;
      if (keep && !ids.current.has(run.id)) {
        if (added.current >= MAX_LIVE_ADDED) {
          if (fresh) setNewer((n) => n + 1);
          return;
        }
        added.current += 1;
        ids.current.add(run.id);
        if (fresh) setCreated((n) => n + 1);
      }
      setRows((old) => {
        const at = old.findIndex((r) => r.id === run.id);
        if (at >= 0) return keep ? old.map((r, i) => (i === at ? run : r)) : old.filter((_, i) => i !== at);
        return keep ? [run, ...old] : old;
      });
    });
    return unsubscribe;
  }, [client, stable]);

  const connection = result.data?.flowRuns;
  return {
    rows,
    total: (connection?.totalCount ?? 0) + created + newer,
    /** new runs counted but not shown (past the live bound) */
    newer,
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
