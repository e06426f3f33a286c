// Replaces a deployment's schedule set by reconciliation, not delete-and-recreate: a schedule
// matched by slug (or, without a slug, by its definition) keeps its row id; only schedules that
// changed or went away lose their future runs.
import type { Tx } from "../../db/prisma-client.js";
import { canonicalScheduleJson, toScheduleDefinition } from "../../schedules/schedule-definition.js";
import { json } from "../../db/json-columns.js";
import { canonicalJson } from "../../blocks/index.js";
import type { PlannedSchedule } from "../deployments/deployment-input.js";

export interface ReconcileResult {
  /** keys of schedules whose future runs are stale: changed definition, parameters, activity, or removed */
  staleKeys: string[];
  /** false: the stored schedules already matched, nothing was written */
  changed: boolean;
}

export async function reconcileSchedules(
  tx: Tx,
  deploymentId: string,
  planned: PlannedSchedule[],
  now: Date,
): Promise<ReconcileResult> {
  const existing = await tx.deploymentSchedule.findMany({ where: { deploymentId } });
  const byKey = new Map(existing.map((s) => [s.scheduleKey, s]));
  const staleKeys: string[] = [];
  let changed = false;
  for (const p of planned) {
    const found = byKey.get(p.key);
    byKey.delete(p.key);
    if (!found) {
      changed = true;
      await tx.deploymentSchedule.create({
        data: {
          deploymentId,
          slug: p.slug,
          scheduleKey: p.key,
          active: p.active,
          schedule: json(p.definition),
          parameters: json(p.parameters),
          position: p.position,
          created: now,
          updated: now,
        },
      });
      continue;
    }
    // the canonical form leaves out an rrule's pinned DTSTART, so an unchanged rule keeps its pin
    const sameDefinition =
      canonicalScheduleJson(toScheduleDefinition(found.schedule)) === canonicalScheduleJson(p.definition);
    const sameRuns =
      sameDefinition && found.active === p.active && canonicalJson(found.parameters) === canonicalJson(p.parameters);
    if (sameRuns && found.position === p.position) continue;
    if (!sameRuns) staleKeys.push(p.key);
    changed = true;
    await tx.deploymentSchedule.update({
      where: { id: found.id },
      data: {
        active: p.active,
        ...(sameDefinition ? {} : { schedule: json(p.definition) }),
        parameters: json(p.parameters),
        position: p.position,
        updated: now,
      },
    });
  }
  for (const gone of byKey.values()) {
    changed = true;
    staleKeys.push(gone.scheduleKey);
    await tx.deploymentSchedule.delete({ where: { id: gone.id } });
  }
  return { staleKeys, changed };
}
