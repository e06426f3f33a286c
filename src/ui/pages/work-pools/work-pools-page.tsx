// Work pools: every pool with its status, limit, queues and online workers, refreshed by a poll.
import { Link } from "react-router";
import { useQuery } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { WorkPoolsListDocument } from "../../generated/graphql";
import { Limit, PoolStatus } from "./pool-status";
import { UpdatedAt, useUpdatedAt } from "./updated-at";
import { useVisiblePoll } from "./use-visible-poll";

const POLL_MS = 5000;

export function WorkPoolsPage() {
  const [result, reexecute] = useQuery({ query: WorkPoolsListDocument });
  useVisiblePoll(() => reexecute({ requestPolicy: "network-only" }), POLL_MS);
  const updatedAt = useUpdatedAt(result);
  const pools = result.data?.workPools;
  return (
    <>
      <div className="pools-heading">
        <h1>Work pools</h1>
        <UpdatedAt at={updatedAt} />
      </div>
      {result.error && <ErrorNotice error={result.error} />}
      {!pools && result.fetching && <p className="loading">Loading work pools…</p>}
      {pools && pools.length === 0 && (
        <p className="notice">
          No work pools yet. Create one with <code>ordo work-pool create</code>, or deploy a flow to a pool.
        </p>
      )}
      {pools && pools.length > 0 && (
        <div className="table-scroll">
          <table className="pools">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Concurrency limit</th>
                <th scope="col">Queues</th>
                <th scope="col">Workers online</th>
              </tr>
            </thead>
            <tbody>
              {pools.map((pool) => (
                <tr key={pool.id} data-pool-name={pool.name}>
                  <td>
                    <Link to={`/work-pools/${encodeURIComponent(pool.name)}`}>{pool.name}</Link>
                  </td>
                  <td>{pool.type}</td>
                  <td>
                    <PoolStatus status={pool.status} />
                  </td>
                  <td>
                    <Limit value={pool.concurrencyLimit} />
                  </td>
                  <td>{pool.queues.length}</td>
                  <td>
                    {pool.workers.filter((w) => w.status === "ONLINE").length} / {pool.workers.length}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
