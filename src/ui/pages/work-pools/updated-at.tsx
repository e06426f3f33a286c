// "updated <time>" for a polled page: when its data last arrived without error.
import { useEffect, useState } from "react";

interface Settled {
  data?: unknown;
  fetching: boolean;
  stale: boolean;
  error?: unknown;
}

/** Set each time a query's result settles with data: a poll, or a refetch after a mutation. */
export function useUpdatedAt(...results: Settled[]): Date | null {
  const [at, setAt] = useState<Date | null>(null);
  const settled = results.every((r) => r.data && !r.fetching && !r.stale && !r.error);
  // each answer is a new data object, so this runs once per answer (the number of results is fixed)
  const answers = results.map((r) => r.data);
  useEffect(() => {
    if (settled) setAt(new Date());
  }, [settled, ...answers]);
  return at;
}

export function UpdatedAt({ at }: { at: Date | null }) {
  if (!at) return null;
  return (
    <p className="muted pools-updated-at">
      updated <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>
    </p>
  );
}
