// One deployment: what it runs and where, its parameters, its schedules (with their next runs, each
// pausable, and a form to add one), its recent runs, and buttons to start a run.
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { Pending } from "../../components/pending";
import { DeploymentNotFound } from "./deployment-not-found";
import { JsonView } from "../../components/json-view";
import { Time } from "../../components/time";
import { DeploymentDetailDocument } from "../../generated/graphql";
import { DeploymentSchedules } from "./deployment-schedules";
import { PausedToggle } from "./paused-toggle";
import { RecentRuns } from "./recent-runs";
import { RunActions } from "./run-actions";
import { Tags } from "../../components/tags";

export function DeploymentPage() {
  const { id = "" } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: DeploymentDetailDocument, variables: { id } });
  if (!data) return <Pending error={error} fetching={fetching} />;
  const d = data.deployment;
  if (!d) return <DeploymentNotFound id={id} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/deployments">Deployments</Link> /
      </p>
      <div className="deployment-title">
        <h1>{d.name}</h1>
        <PausedToggle id={d.id} slug={d.slug} paused={d.paused} />
      </div>
      <RunActions deploymentId={d.id} />
      {d.description && <p className="description">{d.description}</p>}
      <section className="card" aria-label="Details">
        <dl className="facts">
          <dt>Flow</dt>
          <dd>{d.flow.name}</dd>
          <dt>Slug</dt>
          <dd>
            <code>{d.slug}</code>
          </dd>
          <dt>Version</dt>
          <dd>{d.version ?? <span className="muted">—</span>}</dd>
          <dt>Entrypoint</dt>
          <dd>{d.entrypoint ? <code>{d.entrypoint}</code> : <span className="muted">—</span>}</dd>
          <dt>Storage</dt>
          <dd>
            {d.storageDocument ? (
              <>
                <Link to={`/blocks/${d.storageDocument.id}`}>{d.storageDocument.slug}</Link>
                {d.storagePath && <code> /{d.storagePath}</code>}
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
          {d.path && (
            <>
              <dt>Path</dt>
              <dd>
                <code>{d.path}</code>
              </dd>
            </>
          )}
          <dt>Work pool</dt>
          <dd>
            {d.workPool ? (
              <Link to={`/work-pools/${encodeURIComponent(d.workPool.name)}`}>{d.workPool.name}</Link>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
          <dt>Work queue</dt>
          <dd>{d.workQueueName ?? <span className="muted">—</span>}</dd>
          <dt>Tags</dt>
          <dd>
            <Tags values={d.tags} empty={<span className="muted">—</span>} />
          </dd>
          <dt>Concurrency limit</dt>
          <dd>
            {d.concurrencyLimit ?? <span className="muted">none</span>}
            {d.concurrencyLimit !== null && (
              <span className="muted">
                {" "}
                ({d.collisionStrategy === "ENQUEUE" ? "more runs wait their turn" : "more runs are cancelled"})
              </span>
            )}
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time iso={d.updated} />
          </dd>
        </dl>
      </section>
      <DeploymentSchedules
        deployment={{ flowName: d.flow.name, name: d.name, schedules: d.schedules, paused: d.paused }}
      />
      <section aria-labelledby="parameters-heading">
        <h2 id="parameters-heading">Parameters</h2>
        <div className="grid parameters">
          <div>
            <h3 className="small-heading">Values</h3>
            <JsonView value={d.parameters} label="Parameters" />
          </div>
          <div>
            <h3 className="small-heading">
              Schema{" "}
              {d.parameterOpenapiSchema !== null && (
                <span className="muted">({d.enforceParameterSchema ? "enforced" : "not enforced"})</span>
              )}
            </h3>
            {d.parameterOpenapiSchema === null ? (
              <p className="muted">No parameter schema: any parameters are accepted.</p>
            ) : (
              <JsonView value={d.parameterOpenapiSchema} label="Parameter schema" />
            )}
          </div>
        </div>
      </section>
      <RecentRuns deploymentId={d.id} runs={d.flowRuns} />
    </>
  );
}
