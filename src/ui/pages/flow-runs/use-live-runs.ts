// A paginated runs list kept live: pages of the FlowRuns query (newest expected start first), and
// every state change the subscription reports patched in place — or added on top when a new run
// matches, or dropped when a run leaves the filter — without reloading.
import { useEffect, useMemo, useState } from "react";
import { useQuery, useSubscription } from "urql";
import {
  type FlowRunFilter,
  type FlowRunRowFragment,
  FlowRunStateChangesDocument,
  FlowRunsDocument,
} from "../../generated/graphql";
import { matches, type RunFilters, toApiFilter } from "./run-filters";

const PAGE = 50;

export function useLiveRuns(filters: RunFilters) {
  const filter: FlowRunFilter = useMemo(() => toApiFilter(filters), [filters]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [rows, setRows] = useState<FlowRunRowFragment[]>([]);
  const [result] = useQuery({
    query: FlowRunsDocument,
    variables: { first: PAGE, after: cursor, filter },
    requestPolicy: "network-only",
  });
  // a new filter starts again from the first page
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    setCursor(null);
    setRows([]);
  }, [filterKey]);
  useEffect(() => {
    const page = result.data?.flowRuns.edges.map((e) => e.node);
    if (!page) return;
    setRows((old) => {
      const seen = new Set(old.map((r) => r.id));
      return cursor ? [...old, ...page.filter((r) => !seen.has(r.id))] : page;
    });
  }, [result.data, cursor]);

  const [live] = useSubscription(
    {
      query: FlowRunStateChangesDocument,
      variables: {
        deploymentId: filters.deploymentId ?? undefined,
        workPoolName: filters.pool ?? undefined,
      },
    },
    (_previous, event) => event,
  );
  const [added, setAdded] = useState(0);
  useEffect(() => setAdded(0), [filterKey, result.data]);
  // the newest event is applied once, against the rows as they are then
  useEffect(() => {
    const run = live.data?.flowRunStateChanged.flowRun;
    if (!run) return;
    const keep = matches(run, filters);
    setRows((old) => {
      const at = old.findIndex((r) => r.id === run.id);
      if (at >= 0) return keep ? old.map((r, i) => (i === at ? run : r)) : old.filter((_, i) => i !== at);
      return keep ? [run, ...old] : old;
    });
    if (keep && live.data?.flowRunStateChanged.previousStateType === null) setAdded((n) => n + 1);
  }, [live.data, filters]);

  const connection = result.data?.flowRuns;
  return {
    rows,
    total: (connection?.totalCount ?? 0) + added,
    hasMore: connection?.pageInfo.hasNextPage ?? false,
    loading: result.fetching,
    error: result.error ?? live.error,
    loadMore: () => connection?.pageInfo.endCursor && setCursor(connection.pageInfo.endCursor),
  };
}
