// A deployment's latest runs (the first page of deployment.flowRuns) and a link to all of them.
import { RunsTable } from "../../components/runs-table";
import { Link } from "react-router";
import type { DeploymentDetailQuery } from "../../generated/graphql";

type Runs = NonNullable<DeploymentDetailQuery["deployment"]>["flowRuns"];

export function RecentRuns({ deploymentId, runs }: { deploymentId: string; runs: Runs }) {
  return (
    <section aria-labelledby="recent-runs-heading">
      <h2 id="recent-runs-heading">Recent runs</h2>
      {runs.edges.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <RunsTable rows={runs.edges.map((e) => e.node)} />
      )}
      <p>
        <Link to={`/runs?deployment=${encodeURIComponent(deploymentId)}`}>All runs</Link>{" "}
        <span className="muted">({runs.totalCount.toLocaleString()})</span>
      </p>
    </section>
  );
}
