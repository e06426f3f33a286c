// One flow run, live: its state (badge and timeline), facts, parameters and job configuration, its
// logs as they arrive, and cancel / retry for keys that may run flows.
import { Link, useParams } from "react-router";
import { ErrorNotice } from "../../components/error-notice";
import { JsonView } from "../../components/json-view";
import { StateBadge, TERMINAL_STATE_TYPES } from "../../components/state-badge";
import { RunActions } from "./run-actions";
import { RunFacts } from "./run-facts";
import { RunLogs } from "./run-logs";
import { StateTimeline } from "./state-timeline";
import { useLiveRun } from "./use-live-run";

export function FlowRunPage() {
  const { id = "" } = useParams();
  // keyed: another run (e.g. after Retry) starts with fresh live state and logs
  return <FlowRunView key={id} id={id} />;
}

function FlowRunView({ id }: { id: string }) {
  const { run, loaded, error } = useLiveRun(id);
  const final = run ? TERMINAL_STATE_TYPES.includes(run.stateType) : null;

  if (!loaded) return error ? <ErrorNotice error={error} /> : <p className="loading">Loading the run…</p>;
  if (!run)
    return (
      <>
        <h1>Flow run not found</h1>
        <p>
          There is no flow run with the id <code>{id}</code>. It may have been deleted, or the link is wrong.
        </p>
        <p>
          <Link to="/runs">See all flow runs</Link>
        </p>
      </>
    );

  return (
    <div className="flow-run-page" data-run-id={run.id}>
      <p className="breadcrumb">
        <Link to="/runs">Flow runs</Link> /
      </p>
      <h1 className="run-title">
        <span>{run.name}</span> <StateBadge type={run.stateType} name={run.stateName} />
      </h1>
      {error && <ErrorNotice error={error} />}
      <RunActions run={run} />
      <RunFacts run={run} />
      <StateTimeline states={run.states} />
      <div className="grid run-inputs">
        <section aria-labelledby="run-parameters-title">
          <h2 id="run-parameters-title">Parameters</h2>
          <JsonView value={run.parameters} label="Parameters" />
        </section>
        <section aria-labelledby="run-job-variables-title">
          <h2 id="run-job-variables-title">Job variables</h2>
          <JsonView value={run.jobVariables} label="Job variables" />
        </section>
      </div>
      <details className="job-configuration">
        <summary>Job configuration (what the worker runs it with)</summary>
        <JsonView value={run.jobConfiguration} label="Job configuration" />
      </details>
      <RunLogs flowRunId={run.id} final={final} />
    </div>
  );
}
