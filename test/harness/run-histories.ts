// Reads runs' state histories and replays them as a timeline, so claims tests can check limits
// and priorities from what the server recorded instead of sampling while the runs move.
import type { Database } from "../../src/db/prisma-client.js";

export interface RunHistory {
  id: string;
  workQueueName: string | null;
  deploymentId: string | null;
  expectedStartTime: Date | null;
  states: Array<{ type: string; name: string; timestamp: Date }>;
}

/** The runs with their states, oldest state first. */
export async function runHistories(db: Database, runIds: string[]): Promise<RunHistory[]> {
  const runs = await db.client.flowRun.findMany({
    where: { id: { in: runIds } },
    select: {
      id: true,
      workQueueName: true,
      deploymentId: true,
      expectedStartTime: true,
      states: { orderBy: { timestamp: "asc" }, select: { type: true, name: true, timestamp: true } },
    },
  });
  return runs;
}

/** When a run took its slot (its claim, PENDING) and gave it back (COMPLETED); null when it never did. */
export function slotSpan(run: RunHistory): { from: number; to: number | null } | null {
  const start = run.states.find((s) => s.type === "PENDING");
  if (!start) return null;
  const end = run.states.find((s) => s.type === "COMPLETED");
  return { from: start.timestamp.getTime(), to: end ? end.timestamp.getTime() : null };
}

/**
 * The most runs that were PENDING or RUNNING at the same moment, per key (a queue, a deployment,
 * "pool"…); runs whose key is null are left out.
 */
export function peakConcurrency(runs: RunHistory[], keyOf: (run: RunHistory) => string | null): Map<string, number> {
  const events: Array<{ at: number; key: string; delta: number }> = [];
  for (const r of runs) {
    const key = keyOf(r);
    const span = slotSpan(r);
    if (key === null || !span) continue;
    events.push({ at: span.from, key, delta: 1 });
    if (span.to !== null) events.push({ at: span.to, key, delta: -1 });
  }
  // on a tie the end counts first: a slot freed in the same millisecond was committed before the claim
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const current = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const e of events) {
    const n = (current.get(e.key) ?? 0) + e.delta;
    current.set(e.key, n);
    peak.set(e.key, Math.max(peak.get(e.key) ?? 0, n));
  }
  return peak;
}
