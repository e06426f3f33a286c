// Deployments: every deployment with its flow, schedules, work pool, tags and paused switch,
// searched by name, flow and tags (kept in the URL), a page at a time.
import { useCallback, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { LoadMore } from "../../components/load-more";
import { type DeploymentFilter, DeploymentsDocument } from "../../generated/graphql";
import { type DeploymentSearch, readSearch, toApiFilter, writeSearch } from "./deployment-filters";
import { PausedToggle } from "./paused-toggle";
import { ScheduleSummary } from "./schedule-summary";
import { Tags } from "../../components/tags";

const PAGE = 25;
/** typing settles this long before the URL (and the query) follows */
const TYPING_MS = 300;

export function DeploymentsPage() {
  const [params, setParams] = useSearchParams();
  const search = readSearch(params);
  const filter = toApiFilter(search);
  return (
    <>
      <h1>Deployments</h1>
      <SearchForm search={search} onSearch={(next) => setParams(writeSearch(next), { replace: true })} />
      {/* a new search starts again from the first page */}
      <DeploymentsTable key={JSON.stringify(filter)} filter={filter} />
    </>
  );
}

function SearchForm({ search, onSearch }: { search: DeploymentSearch; onSearch(next: DeploymentSearch): void }) {
  const [draft, setDraft] = useState(search);
  const urlKey = JSON.stringify(search);
  // what the draft would read as from the URL (trimmed), so a trailing space being typed is kept
  const draftKey = JSON.stringify(readSearch(writeSearch(draft)));
  // the URL changed from outside (back button, a link): show what it says
  useEffect(() => {
    if (urlKey !== draftKey) setDraft(search);
  }, [urlKey]);
  // the typing settled: the URL (and so the query) follows; keyed by value, not by object identity
  useEffect(() => {
    if (draftKey === urlKey) return;
    const timer = setTimeout(() => onSearch(draft), TYPING_MS);
    return () => clearTimeout(timer);
  }, [draftKey]);
  const field = (key: keyof DeploymentSearch, label: string, hint?: string) => (
    <label>
      {label}
      <input
        type="search"
        value={draft[key]}
        placeholder={hint}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <form
      className="filters"
      aria-label="Search deployments"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(draft);
      }}
    >
      {field("name", "Name", "contains…")}
      {field("flow", "Flow", "flow name")}
      {field("tag", "Tags", "a, b")}
    </form>
  );
}

interface PageInfo {
  count: number;
  total: number;
  hasNextPage: boolean;
  endCursor: string | null;
  fetching: boolean;
}

/** One query per loaded page, so a mutation's refetch (a paused switch) refreshes every page shown. */
function DeploymentsTable({ filter }: { filter: DeploymentFilter }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [pages, setPages] = useState<(PageInfo | undefined)[]>([]);
  const onInfo = useCallback((index: number, info: PageInfo) => {
    setPages((old) => {
      const next = [...old];
      next[index] = info;
      return next;
    });
  }, []);
  const last = pages[cursors.length - 1];
  const shown = pages.reduce((n, p) => n + (p?.count ?? 0), 0);
  return (
    <>
      <div className="table-scroll">
        <table className="deployments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Flow</th>
              <th scope="col">Schedules</th>
              <th scope="col">Work pool</th>
              <th scope="col">Tags</th>
              <th scope="col">Paused</th>
            </tr>
          </thead>
          {cursors.map((cursor, index) => (
            <DeploymentsPageRows
              key={cursor ?? "first"}
              index={index}
              cursor={cursor}
              filter={filter}
              onInfo={onInfo}
            />
          ))}
        </table>
      </div>
      {last && !last.fetching && last.total === 0 && <p className="muted">No deployments match.</p>}
      <LoadMore
        shown={shown}
        total={last?.total ?? 0}
        hasMore={last?.hasNextPage ?? false}
        loading={!last || last.fetching}
        onMore={() => last?.endCursor && setCursors([...cursors, last.endCursor])}
      />
    </>
  );
}

function DeploymentsPageRows({
  index,
  cursor,
  filter,
  onInfo,
}: {
  index: number;
  cursor: string | null;
  filter: DeploymentFilter;
  onInfo(index: number, info: PageInfo): void;
}) {
  const [{ data, error, fetching }] = useQuery({
    query: DeploymentsDocument,
    variables: { first: PAGE, after: cursor, filter },
  });
  const connection = data?.deployments;
  useEffect(() => {
    onInfo(index, {
      count: connection?.edges.length ?? 0,
      total: connection?.totalCount ?? 0,
      hasNextPage: connection?.pageInfo.hasNextPage ?? false,
      endCursor: connection?.pageInfo.endCursor ?? null,
      fetching: fetching && !connection,
    });
  }, [connection, fetching, index, onInfo]);
  return (
    <tbody>
      {error && (
        <tr>
          <td colSpan={6}>
            <ErrorNotice error={error} />
          </td>
        </tr>
      )}
      {connection?.edges.map(({ node: d }) => (
        <tr key={d.id} data-deployment-id={d.id}>
          <td>
            <Link to={`/deployments/${d.id}`}>{d.name}</Link>
          </td>
          <td>{d.flow.name}</td>
          <td>
            <ScheduleSummary schedules={d.schedules} />
          </td>
          <td>{d.workPool ? <Link to={`/work-pools/${d.workPool.name}`}>{d.workPool.name}</Link> : "—"}</td>
          <td>
            <Tags values={d.tags} />
          </td>
          <td>
            <PausedToggle id={d.id} slug={d.slug} paused={d.paused} />
          </td>
        </tr>
      ))}
    </tbody>
  );
}
