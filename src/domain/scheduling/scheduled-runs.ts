// Identity and clean-up of auto-scheduled runs. The idempotency key depends on the schedule's
// slug or definition — never a row id — so re-applying a deployment cannot duplicate a run
// (DESIGN invariant 3; Prefect #18894, #17703).
import type { Tx } from "../../db/prisma-client.js";

export function autoScheduledKey(deploymentId: string, scheduleKey: string, start: Date): string {
  return `scheduled:${deploymentId}:${scheduleKey}:${start.toISOString()}`;
}

/**
 * Deletes future, auto-scheduled, never-run runs of a deployment — of the given schedules only,
 * when keys are given. Late runs (start in the past) and manual runs stay.
 */
export async function deleteFutureAutoScheduledRuns(
  tx: Tx,
  deploymentId: string,
  now: Date,
  scheduleKeys?: string[],
): Promise<number> {
  if (scheduleKeys && scheduleKeys.length === 0) return 0;
  const { count } = await tx.flowRun.deleteMany({
    where: {
      deploymentId,
      autoScheduled: true,
      stateType: "SCHEDULED",
      runCount: 0,
      nextScheduledStartTime: { gt: now },
      ...(scheduleKeys
        ? { OR: scheduleKeys.map((k) => ({ idempotencyKey: { startsWith: `scheduled:${deploymentId}:${k}:` } })) }
        : {}),
    },
  });
  return count;
}
