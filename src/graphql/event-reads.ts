// One database read per event and selection: the subscribers of one event that ask for the same
// Prisma query share the rows it returned, instead of each re-reading them. Events delivered in
// one burst (events/bursts.ts) are read in chunks: one query for up to BURST_CHUNK of them.
//
// Keyed on the event payload object, which the pub/sub hands to every listener as it is (in
// memory: the published object; Redis: the one object parsed per message), then on the database
// client the read goes through, then on the field and the JSON of its query. Only raw rows are
// shared: authorization, secret masking and serialization still run per subscriber, in their own
// GraphQL execution, on these rows (resolvers that present data return new values, never write
// into the rows they were given). An entry lives as long as its event, so it needs no eviction.

import { closedBurstOf } from "../events/bursts.js";

type Reads = Map<string, Promise<unknown>>;

/** Rows read by one query for a burst's events (a filtered subscriber reads at most this many it does not need). */
export const BURST_CHUNK = 500;

const byEvent = new WeakMap<object, WeakMap<object, Reads>>();

/**
 * `read()` once per (event, client, field, query); later calls with the same key get the same
 * promise, whether it is still pending, resolved or rejected (a missing row fails every
 * subscriber alike). A query that cannot be written as JSON is never shared.
 */
export function readOncePerEvent<T>(
  event: object,
  client: object,
  field: string,
  query: object,
  read: () => Promise<T>,
): Promise<T> {
  let key: string;
  try {
    // reading every key also marks Pothos's `query` as used, as spreading it would
    key = `${field}\u0000${JSON.stringify(query)}`;
  } catch {
    return read();
  }
  let byClient = byEvent.get(event);
  if (!byClient) {
    byClient = new WeakMap();
    byEvent.set(event, byClient);
  }
  let reads = byClient.get(client);
  if (!reads) {
    reads = new Map();
    byClient.set(client, reads);
  }
  let pending = reads.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read();
    reads.set(key, pending);
  }
  return pending;
}

/** per burst, client, field and query: each chunk's rows by id */
const chunkReads = new WeakMap<object, WeakMap<object, Map<string, Promise<Map<string, unknown>>>>>();

/**
 * As readOncePerEvent, for a row named by an id in the event: when the event came in a burst, the
 * rows of its chunk of the burst (BURST_CHUNK events around it) are read with one `readMany`,
 * shared by every subscriber asking the same query. A row the chunk did not find (deleted since)
 * (or a chunk read that failed) falls back to `read()`, which fails as it would alone.
 */
export function readInBurst<E extends object, T extends { id: string }>(
  event: E,
  client: object,
  field: string,
  query: object,
  idOf: (event: E) => string,
  readMany: (ids: string[]) => Promise<T[]>,
  read: () => Promise<T>,
): Promise<T> {
  const burst = closedBurstOf(event);
  let queryKey: string;
  try {
    queryKey = `${field}\u0000${JSON.stringify(query)}`;
  } catch {
    return read();
  }
  if (!burst || burst.events.length < 2) return readOncePerEvent(event, client, field, query, read);
  const position = burst.position.get(event) ?? 0;
  const chunk = Math.floor(position / BURST_CHUNK);
  let byClient = chunkReads.get(burst);
  if (!byClient) {
    byClient = new WeakMap();
    chunkReads.set(burst, byClient);
  }
  let reads = byClient.get(client);
  if (!reads) {
    reads = new Map();
    byClient.set(client, reads);
  }
  const key = `${chunk}\u0000${queryKey}`;
  let rows = reads.get(key) as Promise<Map<string, T>> | undefined;
  if (!rows) {
    const events = burst.events.slice(chunk * BURST_CHUNK, (chunk + 1) * BURST_CHUNK) as E[];
    const ids = [...new Set(events.map(idOf))];
    // a failed chunk read leaves each event to its own read (and its own error)
    rows = readMany(ids).then(
      (found) => new Map(found.map((row) => [row.id, row])),
      () => new Map<string, T>(),
    );
    reads.set(key, rows);
  }
  return rows.then((found) => found.get(idOf(event)) ?? readOncePerEvent(event, client, field, query, read));
}
