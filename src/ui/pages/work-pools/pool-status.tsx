// A pool's, queue's or worker's status (READY, NOT_READY, PAUSED, ONLINE, OFFLINE) as a badge.
const LABELS: Record<string, string> = {
  READY: "Ready",
  NOT_READY: "Not ready",
  PAUSED: "Paused",
  ONLINE: "Online",
  OFFLINE: "Offline",
};

export function PoolStatus({ status }: { status: string }) {
  const kind = status.toLowerCase().replace(/_/g, "-");
  return (
    <span className={`pool-status pool-status-${kind}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}

/** "none" for a missing limit (null means unlimited), so a blank cell is never ambiguous */
export function Limit({ value }: { value: number | null | undefined }) {
  return value == null ? <span className="muted">none</span> : value;
}
