// What a page shows while its query has no data yet: the error if it failed, else a loading line.
import type { CombinedError } from "urql";
import { ErrorNotice } from "./error-notice";

export function Pending({ error, fetching }: { error: CombinedError | undefined; fetching: boolean }) {
  if (error) return <ErrorNotice error={error} />;
  return <p className="loading">{fetching ? "Loading…" : ""}</p>;
}
