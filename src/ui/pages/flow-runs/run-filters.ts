// The runs list's filters, kept in the URL (?state=…&deployment=…&pool=…&tag=…&after=…&before=)
// so a filtered list can be linked to, and turned into the API's FlowRunFilter.
import type { FlowRunFilter, FlowRunRowFragment, StateType } from "../../generated/graphql";

export interface RunFilters {
  states: StateType[];
  deploymentId: string | null;
  pool: string | null;
  tag: string | null;
  after: string | null;
  before: string | null;
}

export function readFilters(params: URLSearchParams): RunFilters {
  return {
    states: params.getAll("state") as StateType[],
    deploymentId: params.get("deployment"),
    pool: params.get("pool"),
    tag: params.get("tag"),
    after: params.get("after"),
    before: params.get("before"),
  };
}

export function writeFilters(filters: RunFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const s of filters.states) params.append("state", s);
  if (filters.deploymentId) params.set("deployment", filters.deploymentId);
  if (filters.pool) params.set("pool", filters.pool);
  if (filters.tag) params.set("tag", filters.tag);
  if (filters.after) params.set("after", filters.after);
  if (filters.before) params.set("before", filters.before);
  return params;
}

/** `after`/`before` are datetime-local values (the browser's zone); the API takes instants */
export function toApiFilter(filters: RunFilters): FlowRunFilter {
  return {
    ...(filters.states.length ? { stateTypes: filters.states } : {}),
    ...(filters.deploymentId ? { deploymentId: filters.deploymentId } : {}),
    ...(filters.pool ? { workPoolName: filters.pool } : {}),
    ...(filters.tag ? { tags: [filters.tag] } : {}),
    ...(filters.after ? { expectedStartAfter: new Date(filters.after).toISOString() } : {}),
    ...(filters.before ? { expectedStartBefore: new Date(filters.before).toISOString() } : {}),
  };
}

/** Whether a run (as a live event shows it now) belongs in the filtered list. */
export function matches(run: FlowRunRowFragment, filters: RunFilters): boolean {
  if (filters.states.length && !filters.states.includes(run.stateType)) return false;
  if (filters.deploymentId && run.deployment?.id !== filters.deploymentId) return false;
  if (filters.pool && run.workPool?.name !== filters.pool) return false;
  if (filters.tag && !run.tags.includes(filters.tag)) return false;
  const start = run.expectedStartTime ? new Date(run.expectedStartTime).getTime() : null;
  if (filters.after && (start === null || start < new Date(filters.after).getTime())) return false;
  if (filters.before && (start === null || start > new Date(filters.before).getTime())) return false;
  return true;
}
