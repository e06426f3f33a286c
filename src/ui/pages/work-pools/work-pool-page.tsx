// One work pool: its settings, queues and workers, refreshed by a poll; pausing the pool and
// editing its queues for keys with the WRITE scope.
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { JsonView } from "../../components/json-view";
import { SetWorkPoolPausedDocument, WorkPoolDetailDocument } from "../../generated/graphql";
import { Limit, PoolStatus } from "./pool-status";
import { QueuesTable } from "./queues-table";
import { UpdatedAt, useUpdatedAt } from "./updated-at";
import { useVisiblePoll } from "./use-visible-poll";
import { WorkersTable } from "./workers-table";

const POLL_MS = 5000;

export function WorkPoolPage() {
  const name = useParams().name ?? "";
  const canWrite = useCan("WRITE");
  const [result, reexecute] = useQuery({ query: WorkPoolDetailDocument, variables: { name } });
  useVisiblePoll(() => reexecute({ requestPolicy: "network-only" }), POLL_MS);
  const updatedAt = useUpdatedAt(result);
  const [pausing, setPaused] = useMutation(SetWorkPoolPausedDocument);
  const pool = result.data?.workPool;

  if (!result.data) {
    if (result.error) return <ErrorNotice error={result.error} />;
    return <p className="loading">Loading work pool…</p>;
  }
  if (!pool)
    return (
      <>
        <h1>Work pool not found</h1>
        <p>
          There is no work pool named <strong>{name}</strong>. <Link to="/work-pools">All work pools</Link>
        </p>
      </>
    );

  return (
    <>
      <p className="muted pools-breadcrumb">
        <Link to="/work-pools">Work pools</Link> /
      </p>
      <div className="pools-heading">
        <h1>
          {pool.name} <PoolStatus status={pool.status} />
        </h1>
        <UpdatedAt at={updatedAt} />
      </div>
      {result.error && <ErrorNotice error={result.error} />}
      <div className="actions">
        <Link className="button secondary" to={`/runs?${new URLSearchParams({ pool: pool.name })}`}>
          Runs in this pool
        </Link>
        {canWrite && (
          <button
            type="button"
            className="secondary"
            disabled={pausing.fetching}
            onClick={() => void setPaused({ name: pool.name, isPaused: !pool.isPaused })}
          >
            {pool.isPaused ? "Resume pool" : "Pause pool"}
          </button>
        )}
      </div>
      {pausing.error && <ErrorNotice error={pausing.error} />}
      <section className="card" aria-labelledby="pool-facts">
        <h2 id="pool-facts" className="pools-card-title">
          Details
        </h2>
        <dl className="facts">
          <dt>Description</dt>
          <dd>{pool.description || <span className="muted">none</span>}</dd>
          <dt>Type</dt>
          <dd>{pool.type}</dd>
          <dt>Status</dt>
          <dd>
            <PoolStatus status={pool.status} />
          </dd>
          <dt>Paused</dt>
          <dd>{pool.isPaused ? "yes: workers take no runs" : "no"}</dd>
          <dt>Concurrency limit</dt>
          <dd>
            <Limit value={pool.concurrencyLimit} />
          </dd>
        </dl>
      </section>

      <h2>Queues</h2>
      <QueuesTable queues={pool.queues} defaultQueueId={pool.defaultQueue?.id} canWrite={canWrite} />

      <h2>Workers</h2>
      <WorkersTable workers={pool.workers} poolName={pool.name} />

      <details className="pools-template">
        <summary>Base job template</summary>
        <JsonView value={pool.baseJobTemplate} label="Base job template" />
      </details>
    </>
  );
}
