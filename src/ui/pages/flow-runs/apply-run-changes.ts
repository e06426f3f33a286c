// Applies a batch of live run changes to the rows shown, in one pass: a burst of thousands of
// events (a scheduler pass) costs one render, not one per event.
import type { FlowRunRowFragment } from "../../generated/graphql";
import { matches, type RunFilters } from "./run-filters";

export interface RunChange {
  run: FlowRunRowFragment;
  /** the run's first state: it was just created */
  fresh: boolean;
}

export interface LiveListState {
  rows: FlowRunRowFragment[];
  /** runs added on top since the first page was read (counted against the bound) */
  added: number;
  /** runs created since the first page was read and shown */
  created: number;
  /** runs created past the bound: counted, not shown */
  newer: number;
}

/**
 * Each change in order: a shown run is replaced (or dropped when it left the filter); a run not
 * shown that matches goes on top while fewer than `maxAdded` were added, else a new one is only
 * counted.
 */
export function applyRunChanges(
  state: LiveListState,
  changes: readonly RunChange[],
  filters: RunFilters,
  maxAdded: number,
): LiveListState {
  let { added, created, newer } = state;
  // id → row, or null once it left the filter; `onTop` lists the additions, oldest first
  const byId = new Map<string, FlowRunRowFragment | null>(state.rows.map((r) => [r.id, r]));
  const onTop: string[] = [];
  for (const { run, fresh } of changes) {
    const keep = matches(run, filters);
    // known ids (shown, or dropped earlier in this batch) keep their place
    if (byId.has(run.id)) {
      byId.set(run.id, keep ? run : null);
      continue;
    }
    if (!keep) continue;
    if (added >= maxAdded) {
      if (fresh) newer += 1;
      continue;
    }
    added += 1;
    if (fresh) created += 1;
    byId.set(run.id, run);
    onTop.push(run.id);
  }
  const rows: FlowRunRowFragment[] = [];
  for (const id of onTop.reverse()) {
    const row = byId.get(id);
    if (row) rows.push(row);
  }
  for (const old of state.rows) {
    const row = byId.get(old.id);
    if (row) rows.push(row);
  }
  return { rows, added, created, newer };
}
