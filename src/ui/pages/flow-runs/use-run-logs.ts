// A run's log lines, oldest first: the newest stored page, older pages on demand, and — while the
// run is not final — the live stream appended as lines arrive. Lines come by both paths, so each is
// kept once (by id).
import { useCallback, useEffect, useRef, useState } from "react";
import { type CombinedError, useClient } from "urql";
import type { ListeningContext } from "../../api/client";
import { FlowRunLogStreamDocument, FlowRunLogTailDocument, type LogLineFragment } from "../../generated/graphql";

export type LogLine = LogLineFragment;

const PAGE = 200;
/** live lines come in bursts (a batch per executor flush): render them together */
const FLUSH_MS = 100;
/** an executor reports the final state before it ships its last batch: keep listening a little */
const GRACE_MS = 10_000;

/** `final`: whether the run is in a final state; null while the run is not loaded yet */
export function useRunLogs(flowRunId: string, final: boolean | null) {
  const client = useClient();
  const [lines, setLines] = useState<LogLine[]>([]);
  const known = useRef(new Set<string>());
  const [older, setOlder] = useState<{ cursor: string | null; more: boolean }>({ cursor: null, more: false });
  const [stored, setStored] = useState({ total: 0, liveSince: 0 });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<CombinedError | null>(null);

  // (the page is keyed by the run id, so `known` never holds another run's lines)
  const add = useCallback((incoming: LogLine[], live: boolean) => {
    const fresh = incoming.filter((l) => !known.current.has(l.id));
    if (!fresh.length) return;
    for (const l of fresh) known.current.add(l.id);
    setLines((old) => insertInOrder(old, fresh));
    if (live) setStored((s) => ({ ...s, liveSince: s.liveSince + fresh.length }));
  }, []);

  /** one page of PAGE lines ending before `before` (the newest page when null) */
  const read = useCallback(
    async (before: string | null) => {
      const answer = await client
        .query(FlowRunLogTailDocument, { flowRunId, last: PAGE, before }, { requestPolicy: "network-only" })
        .toPromise();
      setError(answer.error ?? null);
      const logs = answer.data?.logs;
      if (!logs) return null;
      add(
        logs.edges.map((e) => e.node),
        false,
      );
      setStored({ total: logs.totalCount, liveSince: 0 });
      return logs;
    },
    [client, flowRunId, add],
  );

  // the newest page first: what a reader of a log looks at, and live lines follow it with no gap
  useEffect(() => {
    let current = true;
    setLoading(true);
    read(null).then((logs) => {
      if (!current) return;
      if (logs) setOlder({ cursor: logs.pageInfo.startCursor, more: logs.pageInfo.hasPreviousPage });
      setLoading(false);
    });
    return () => {
      current = false;
    };
  }, [read]);

  const loadOlder = useCallback(async () => {
    if (!older.cursor) return;
    setLoading(true);
    const logs = await read(older.cursor);
    if (logs) setOlder({ cursor: logs.pageInfo.startCursor ?? older.cursor, more: logs.pageInfo.hasPreviousPage });
    setLoading(false);
  }, [older.cursor, read]);

  const following = useFollowing(final);
  useEffect(() => {
    if (!following) return;
    let buffer: LogLine[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    // listening (first, or again after a reconnect): one more read fills in any line stored
    // between the first read and the subscription (the two travel separately)
    const context: ListeningContext = { onListening: () => void read(null) };
    const subscription = client.subscription(FlowRunLogStreamDocument, { flowRunId }, context);
    const { unsubscribe } = subscription.subscribe((answer) => {
      if (answer.error) setError(answer.error);
      const line = answer.data?.flowRunLogs;
      if (!line) return;
      buffer.push(line);
      flush ??= setTimeout(() => {
        add(buffer, true);
        buffer = [];
        flush = undefined;
      }, FLUSH_MS);
    });
    return () => {
      clearTimeout(flush);
      if (buffer.length) add(buffer, true);
      unsubscribe();
    };
  }, [client, flowRunId, following, add, read]);

  // when following ends, one more read: what the stream may have missed at its end
  const wasFollowing = useRef(false);
  useEffect(() => {
    if (wasFollowing.current && !following) void read(null);
    wasFollowing.current = following;
  }, [following, read]);

  return {
    lines,
    following,
    loading,
    error,
    hasOlder: older.more,
    /** lines stored in all (as of the last read, plus those streamed since) */
    total: older.more ? Math.max(stored.total + stored.liveSince, lines.length) : lines.length,
    loadOlder,
  };
}

/** Follow while the run is not final, and for GRACE_MS after it becomes final. */
function useFollowing(final: boolean | null): boolean {
  const [following, setFollowing] = useState(false);
  useEffect(() => {
    if (final === null) return;
    if (!final) {
      setFollowing(true);
      return;
    }
    const stop = setTimeout(() => setFollowing(false), GRACE_MS);
    return () => clearTimeout(stop);
  }, [final]);
  return following;
}

/** Lines sorted as the server sorts them: timestamp, then id (ids grow in the order lines were stored). */
function insertInOrder(old: LogLine[], fresh: LogLine[]): LogLine[] {
  const sorted = [...fresh].sort(compare);
  const last = old.at(-1);
  if (!last || compare(sorted[0]!, last) > 0) return [...old, ...sorted];
  if (compare(sorted.at(-1)!, old[0]!) < 0) return [...sorted, ...old];
  return [...old, ...sorted].sort(compare);
}

function compare(a: LogLine, b: LogLine): number {
  return new Date(a.timestamp).getTime() - new Date(b.timestamp).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
