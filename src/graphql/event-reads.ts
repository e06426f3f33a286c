// One database read per event and selection: the subscribers of one event that ask for the same
// Prisma query share the rows it returned, instead of each re-reading them.
//
// Keyed on the event payload object, which the pub/sub hands to every listener as it is (in
// memory: the published object; Redis: the one object parsed per message), then on the database
// client the read goes through, then on the field and the JSON of its query. Only raw rows are
// shared: authorization, secret masking and serialization still run per subscriber, in their own
// GraphQL execution, on these rows (resolvers that present data return new values, never write
// into the rows they were given). An entry lives as long as its event, so it needs no eviction.

type Reads = Map<string, Promise<unknown>>;

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
