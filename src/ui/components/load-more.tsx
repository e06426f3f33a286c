// The end of a paginated list: how many are shown out of how many, and a button for the next page
// (the API's connections: `first` + `after` the last cursor).
export function LoadMore({
  shown,
  total,
  hasMore,
  loading,
  onMore,
}: {
  shown: number;
  total: number;
  hasMore: boolean;
  loading: boolean;
  onMore(): void;
}) {
  return (
    <div className="load-more">
      <span className="muted">
        {shown.toLocaleString()} of {total.toLocaleString()}
      </span>
      {hasMore && (
        <button type="button" onClick={onMore} disabled={loading}>
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
