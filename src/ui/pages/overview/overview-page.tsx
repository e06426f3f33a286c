// Overview: runs by state over the last 24 hours, late runs and recent failures, refreshed every
// 15 s while the page is visible (the API has no aggregate query or subscription for counts).
import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { useViewer } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { STATE_TYPES } from "../../components/state-badge";
import { OverviewRunListsDocument, OverviewStateCountsDocument, type StateType } from "../../generated/graphql";
import { type RunFilters, writeFilters } from "../flow-runs/run-filters";
import { UpdatedAt, useUpdatedAt } from "../work-pools/updated-at";
import { useVisiblePoll } from "../work-pools/use-visible-poll";
import { RunListCard } from "./run-list-card";
import { StateChart } from "./state-chart";

const POLL_MS = 15_000;
const DAY_MS = 24 * 3600 * 1000;

/** the time window the queries ask about; a new window each poll is what refetches them */
function currentWindow() {
  const now = new Date();
  return { now: now.toISOString(), since: new Date(now.getTime() - DAY_MS).toISOString() };
}

/** the runs page's datetime-local filter value (the browser's zone, to the minute) */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function runsHref(change: Partial<RunFilters>): string {
  const none: RunFilters = { states: [], deploymentId: null, pool: null, tag: null, after: null, before: null };
  return `/runs?${writeFilters({ ...none, ...change })}`;
}

export function OverviewPage() {
  const { version } = useViewer();
  const [span, setSpan] = useState(currentWindow);
  useVisiblePoll(() => setSpan(currentWindow()), POLL_MS);
  const [counts] = useQuery({ query: OverviewStateCountsDocument, variables: { since: span.since } });
  const [lists] = useQuery({ query: OverviewRunListsDocument, variables: span });
  const error = counts.error ?? lists.error;
  const updatedAt = useUpdatedAt(counts, lists);

  const countData = counts.data;
  const stateCounts = countData
    ? STATE_TYPES.map((type) => ({ type, count: countData[type.toLowerCase() as Lowercase<StateType>].totalCount }))
    : null;
  const sinceLabel = new Date(span.since).toLocaleString();

  return (
    <>
      <div className="overview-heading">
        <h1>Overview</h1>
        <UpdatedAt at={updatedAt} />
      </div>
      {error && <ErrorNotice error={error} />}
      <section className="card overview-card" aria-labelledby="overview-chart-title">
        <h2 id="overview-chart-title">Runs by state, last 24 hours</h2>
        <p className="muted overview-sub">Runs expected to start since {sinceLabel}, upcoming ones included.</p>
        {stateCounts ? (
          <StateChart counts={stateCounts} caption={`Runs by state since ${sinceLabel}`} />
        ) : (
          <p className="muted">Loading…</p>
        )}
        <p className="overview-more">
          <Link to={runsHref({ after: localInput(span.since) })}>All runs of the last 24 hours</Link>
        </p>
      </section>
      <div className="overview-lists">
        <RunListCard
          id="late-runs"
          title="Late runs"
          runs={lists.data?.late.edges.map((e) => e.node)}
          total={lists.data?.late.totalCount ?? 0}
          moreHref={runsHref({ states: ["SCHEDULED"], before: localInput(span.now) })}
          moreLabel="All scheduled runs past their start"
          loading={lists.fetching}
        />
        <RunListCard
          id="failed-runs"
          title="Failed runs, last 24 hours"
          runs={lists.data?.failed.edges.map((e) => e.node)}
          total={lists.data?.failed.totalCount ?? 0}
          moreHref={runsHref({ states: ["FAILED", "CRASHED"], after: localInput(span.since) })}
          moreLabel="All failed and crashed runs"
          loading={lists.fetching}
        />
      </div>
      <p className="muted overview-version">Ordo server {version}</p>
    </>
  );
}
