// A deployment's latest runs (the first page of deployment.flowRuns) and a link to all of them.
import { Link } from "react-router";
import { StateBadge } from "../../components/state-badge";
import { Time } from "../../components/time";
import type { DeploymentDetailQuery } from "../../generated/graphql";

type Runs = NonNullable<DeploymentDetailQuery["deployment"]>["flowRuns"];

export function RecentRuns({ deploymentId, runs }: { deploymentId: string; runs: Runs }) {
  return (
    <section aria-labelledby="recent-runs-heading">
      <h2 id="recent-runs-heading">Recent runs</h2>
      {runs.edges.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">State</th>
                <th scope="col">Expected start</th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {runs.edges.map(({ node: run }) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td>
                    <Link to={`/runs/${run.id}`}>{run.name}</Link>
                  </td>
                  <td>
                    <StateBadge type={run.stateType} name={run.stateName} />
                  </td>
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
      )}
      <p>
        <Link to={`/runs?deployment=${encodeURIComponent(deploymentId)}`}>All runs</Link>{" "}
        <span className="muted">({runs.totalCount.toLocaleString()})</span>
      </p>
    </section>
  );
}
