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

/** per event (or burst), then per client: the reads started, by key */
const byEvent = new WeakMap<object, WeakMap<object, Reads>>();
const byBurst = new WeakMap<object, WeakMap<object, Reads>>();

/** The promise stored under (owner, client, key), started by `read()` on first use. */
function once<T>(
  table: WeakMap<object, WeakMap<object, Reads>>,
  owner: object,
  client: object,
  key: string,
  read: () => Promise<T>,
): Promise<T> {
  let byClient = table.get(owner);
  if (!byClient) {
    byClient = new WeakMap();
    table.set(owner, byClient);
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

/** The key of a field's query; undefined for one that cannot be written as JSON (never shared). */
function queryKey(field: string, query: object): string | undefined {
  try {
    // reading every key also marks Pothos's `query` as used, as spreading it would
    return `${field}\u0000${JSON.stringify(query)}`;
  } catch {
    return undefined;
  }
}

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
  const key = queryKey(field, query);
  return key === undefined ? read() : once(byEvent, event, client, key, read);
}

/**
 * As readOncePerEvent, for a row named by an id in the event: when the event came in a burst, the
 * rows of its chunk of the burst (BURST_CHUNK events around it) are read with one `readMany`,
 * shared by every subscriber asking the same query. A row the chunk did not find (deleted since),
 * or a chunk read that failed, falls back to `read()`, which fails as it would alone.
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
  const key = queryKey(field, query);
  if (key === undefined) return read();
  if (!burst || burst.events.length < 2) return once(byEvent, event, client, key, read);
  const chunk = Math.floor((burst.position.get(event) ?? 0) / BURST_CHUNK);
  const rows = once(byBurst, burst, client, `${chunk}\u0000${key}`, () => {
    const events = burst.events.slice(chunk * BURST_CHUNK, (chunk + 1) * BURST_CHUNK) as E[];
    // a failed chunk read leaves each event to its own read (and its own error)
    return readMany([...new Set(events.map(idOf))]).then(
      (found) => new Map(found.map((row) => [row.id, row])),
      () => new Map<string, T>(),
    );
  });
  return rows.then((found) => found.get(idOf(event)) ?? once(byEvent, event, client, key, read));
}
