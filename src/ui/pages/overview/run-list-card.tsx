// A short list of runs on the overview (late, failed): up to ten, "none" when empty, and a link to
// the runs page filtered the same way for the rest.
import { Link } from "react-router";
import { StateBadge } from "../../components/state-badge";
import { Time } from "../../components/time";
import type { OverviewRunFragment } from "../../generated/graphql";

export function RunListCard({
  id,
  title,
  runs,
  total,
  moreHref,
  moreLabel,
  loading,
}: {
  id: string;
  title: string;
  runs: readonly OverviewRunFragment[] | undefined;
  total: number;
  moreHref: string;
  moreLabel: string;
  loading: boolean;
}) {
  const headingId = `${id}-title`;
  return (
    <section className="card overview-card overview-runs" aria-labelledby={headingId} data-section={id}>
      <h2 id={headingId}>
        {title} <span className="muted overview-count">{runs ? total.toLocaleString() : ""}</span>
      </h2>
      {!runs && loading && <p className="muted">Loading…</p>}
      {runs && runs.length === 0 && <p className="muted">None.</p>}
      {runs && runs.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">State</th>
                <th scope="col">Expected start</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td>
                    <Link to={`/runs/${run.id}`}>{run.name}</Link>
                    <br />
                    {run.deployment ? (
                      <Link className="overview-deployment" to={`/deployments/${run.deployment.id}`}>
                        {run.deployment.slug}
                      </Link>
                    ) : (
                      <span className="muted overview-deployment">{run.flow.name}</span>
                    )}
                  </td>
                  <td>
                    <StateBadge type={run.stateType} name={run.stateName} />
                  </td>
                  <td>
                    <Time iso={run.expectedStartTime} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="overview-more">
        <Link to={moreHref}>{moreLabel}</Link>
      </p>
    </section>
  );
}
