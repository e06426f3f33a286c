// Groups the events of one topic delivered in the same turn of the event loop (a scheduler pass
// announcing thousands of runs, a worker's batch of log lines, one Redis read) into a burst, so
// subscription resolvers can read their rows with one query per chunk instead of one per event.

export interface Burst {
  /** the burst's events, in delivery order */
  readonly events: object[];
  /** each event's position in `events` */
  readonly position: WeakMap<object, number>;
}

const burstOf = new WeakMap<object, Burst>();
/** the burst still taking events, per topic: until the turn ends or a read starts from it */
const open = new Map<string, Burst>();

/** Called for every delivery of `event` (once per subscriber): the event joins its topic's open burst once. */
export function joinBurst(topic: string, event: object): void {
  if (burstOf.has(event)) return;
  let burst = open.get(topic);
  if (!burst) {
    const created: Burst = { events: [], position: new WeakMap() };
    open.set(topic, created);
    // the next turn starts a new burst
    setImmediate(() => {
      if (open.get(topic) === created) open.delete(topic);
    });
    burst = created;
  }
  burst.position.set(event, burst.events.length);
  burst.events.push(event);
  burstOf.set(event, burst);
}

/**
 * The burst `event` belongs to, closed to new events from now on (a read planned from it must
 * cover every event that will ever be in it); undefined for an event no subscriber received.
 */
export function closedBurstOf(event: object): Burst | undefined {
  const burst = burstOf.get(event);
  if (!burst) return undefined;
  for (const [topic, b] of open) if (b === burst) open.delete(topic);
  return burst;
}
