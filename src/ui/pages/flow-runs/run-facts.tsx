// The run's facts: where it comes from (deployment, flow, pool), its tags, and its timing.
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { duration, Time } from "../../components/time";
import type { FlowRunDetail } from "./use-live-run";
import { Tags } from "../../components/tags";

export function RunFacts({ run }: { run: FlowRunDetail }) {
  return (
    <dl className="facts card">
      <dt>Deployment</dt>
      <dd>
        {run.deployment ? (
          <Link to={`/deployments/${run.deployment.id}`}>{run.deployment.slug}</Link>
        ) : (
          <span className="muted">none (run without a deployment)</span>
        )}
      </dd>
      <dt>Flow</dt>
      <dd>{run.flow.name}</dd>
      <dt>Work pool</dt>
      <dd>
        {run.workPool ? (
          <>
            <Link to={`/work-pools/${encodeURIComponent(run.workPool.name)}`}>{run.workPool.name}</Link>
            {run.workQueueName && <span className="muted"> (queue {run.workQueueName})</span>}
          </>
        ) : (
          "—"
        )}
      </dd>
      <dt>Tags</dt>
      <dd>
        <Tags values={run.tags} empty="—" />
      </dd>
      <dt>Expected start</dt>
      <dd>
        <Time iso={run.expectedStartTime} />
      </dd>
      <dt>Started</dt>
      <dd>
        <Time iso={run.startTime} />
      </dd>
      <dt>Ended</dt>
      <dd>
        <Time iso={run.endTime} />
      </dd>
      <dt>Duration</dt>
      <dd>
        <RunDuration run={run} />
      </dd>
      <dt>Run count</dt>
      <dd>{run.runCount}</dd>
      <dt>Last heartbeat</dt>
      <dd>
        <Time iso={run.lastHeartbeat} />
      </dd>
      <dt>Infrastructure pid</dt>
      <dd>{run.infrastructurePid ? <code>{run.infrastructurePid}</code> : "—"}</dd>
    </dl>
  );
}

/**
 * Time spent RUNNING. The server adds a running spell to totalRunTime when it ends, so while the
 * run is RUNNING the current spell is counted here, ticking each second.
 */
function RunDuration({ run }: { run: FlowRunDetail }) {
  const since = run.stateType === "RUNNING" ? run.states.at(-1)?.timestamp : undefined;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  const spell = since ? Math.max(0, (now - new Date(since).getTime()) / 1000) : 0;
  const seconds = run.totalRunTime + spell;
  if (seconds === 0 && !since) return <span className="muted">—</span>;
  return (
    <span>
      {duration(seconds)}
      {since && <span className="muted"> (running)</span>}
    </span>
  );
}
