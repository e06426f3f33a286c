// Flow runs: the live list (badges change as states do), filtered by state, deployment, pool, tag
// and expected start time, a page at a time.
import { RunsTable } from "../../components/runs-table";
import { useSearchParams } from "react-router";
import { ErrorNotice } from "../../components/error-notice";
import { LoadMore } from "../../components/load-more";
import { STATE_TYPES, StateBadge } from "../../components/state-badge";
import { readFilters, type RunFilters, writeFilters } from "./run-filters";
import { useLiveRuns } from "./use-live-runs";

export function FlowRunsPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const update = (change: Partial<RunFilters>) => setParams(writeFilters({ ...filters, ...change }));
  const runs = useLiveRuns(filters);
  return (
    <>
      <h1>Flow runs</h1>
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend>State</legend>
          {STATE_TYPES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={filters.states.includes(s)}
                onChange={(e) =>
                  update({ states: e.target.checked ? [...filters.states, s] : filters.states.filter((x) => x !== s) })
                }
              />
              <StateBadge type={s} />
            </label>
          ))}
        </fieldset>
        <label>
          Work pool
          <input defaultValue={filters.pool ?? ""} onBlur={(e) => update({ pool: e.target.value.trim() || null })} />
        </label>
        <label>
          Tag
          <input defaultValue={filters.tag ?? ""} onBlur={(e) => update({ tag: e.target.value.trim() || null })} />
        </label>
        <label>
          Starts after
          <input
            type="datetime-local"
            value={filters.after ?? ""}
            onChange={(e) => update({ after: e.target.value || null })}
          />
        </label>
        <label>
          Starts before
          <input
            type="datetime-local"
            value={filters.before ?? ""}
            onChange={(e) => update({ before: e.target.value || null })}
          />
        </label>
        {filters.deploymentId && (
          <button type="button" className="chip" onClick={() => update({ deploymentId: null })}>
            One deployment ✕
          </button>
        )}
      </form>
      {runs.error && <ErrorNotice error={runs.error} />}
      {runs.newer > 0 && (
        <p className="notice" role="status">
          {runs.newer.toLocaleString()} newer {runs.newer === 1 ? "run" : "runs"} not shown.{" "}
          <button type="button" className="link" onClick={runs.showNewer}>
            Show the newest
          </button>
        </p>
      )}
      <RunsTable rows={runs.rows} where />
      {!runs.loading && runs.rows.length === 0 && <p className="muted">No runs match.</p>}
      <LoadMore
        shown={runs.rows.length}
        total={runs.total}
        hasMore={runs.hasMore}
        loading={runs.loading}
        onMore={runs.loadMore}
      />
    </>
  );
}
