// Flow runs: the live list (badges change as states do), filtered by state, deployment, pool, tag
// and expected start time, a page at a time.
import { Link, useSearchParams } from "react-router";
import { ErrorNotice } from "../../components/error-notice";
import { LoadMore } from "../../components/load-more";
import { STATE_TYPES, StateBadge } from "../../components/state-badge";
import { Time } from "../../components/time";
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
      <div className="table-scroll">
        <table className="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">State</th>
              <th scope="col">Deployment</th>
              <th scope="col">Work pool</th>
              <th scope="col">Expected start</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {runs.rows.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td>
                  <Link to={`/runs/${run.id}`}>{run.name}</Link>
                </td>
                <td>
                  <StateBadge type={run.stateType} name={run.stateName} />
                </td>
                <td>
                  {run.deployment ? (
                    <Link to={`/deployments/${run.deployment.id}`}>{run.deployment.slug}</Link>
                  ) : (
                    <span className="muted">{run.flow.name}</span>
                  )}
                </td>
                <td>{run.workPool ? <Link to={`/work-pools/${run.workPool.name}`}>{run.workPool.name}</Link> : "—"}</td>
                <td>
                  <Time iso={run.expectedStartTime} />
                </td>
                <td>
                  {run.tags.map((t) => (
                    <span key={t} className="tag">
                      {t}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
