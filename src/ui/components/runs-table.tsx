// A table of flow runs: name (to the run), state, optionally deployment and work pool, expected
// start and tags. Used by the runs list and a deployment's recent runs.
import { Link } from "react-router";
import type { StateType } from "../generated/graphql";
import { StateBadge } from "./state-badge";
import { Tags } from "./tags";
import { Time } from "./time";

export interface RunsTableRow {
  id: string;
  name: string;
  stateType: StateType;
  stateName: string;
  expectedStartTime?: string | null;
  tags: string[];
  deployment?: { id: string; slug: string } | null;
  flow?: { name: string };
  workPool?: { name: string } | null;
}

/** `where`: show each run's deployment and work pool (the runs list spans many) */
export function RunsTable({ rows, where = false }: { rows: readonly RunsTableRow[]; where?: boolean }) {
  return (
    <div className="table-scroll">
      <table className="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">State</th>
            {where && <th scope="col">Deployment</th>}
            {where && <th scope="col">Work pool</th>}
            <th scope="col">Expected start</th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td>
                <Link to={`/runs/${run.id}`}>{run.name}</Link>
              </td>
              <td>
                <StateBadge type={run.stateType} name={run.stateName} />
              </td>
              {where && (
                <td>
                  {run.deployment ? (
                    <Link to={`/deployments/${run.deployment.id}`}>{run.deployment.slug}</Link>
                  ) : (
                    <span className="muted">{run.flow?.name}</span>
                  )}
                </td>
              )}
              {where && (
                <td>{run.workPool ? <Link to={`/work-pools/${run.workPool.name}`}>{run.workPool.name}</Link> : "—"}</td>
              )}
              <td>
                <Time iso={run.expectedStartTime} />
              </td>
              <td>
                <Tags values={run.tags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
