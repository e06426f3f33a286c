// Turns a deployment's schedules into the rows of its next auto-scheduled runs (pure): which dates
// each schedule still needs, and what each run carries (Prefect's _generate_scheduled_flow_runs).
import { randomUUID } from "node:crypto";
import type { ScheduledRunRow } from "../../db/insert-scheduled-runs.js";
import { nextDates } from "../../schedules/next-dates.js";
import { toScheduleDefinition } from "../../schedules/schedule-definition.js";
import { autoScheduledKey } from "./scheduled-runs.js";
import { randomRunName } from "../flow-runs/run-names.js";
import { asStringArray, isPlainObject, tagsKey } from "../json.js";

export interface SchedulingWindow {
  now: Date;
  minRuns: number;
  maxRuns: number;
  minScheduledTimeSeconds: number;
  maxScheduledTimeSeconds: number;
}

export interface DeploymentToSchedule {
  id: string;
  flowId: string;
  version: string | null;
  parameters: unknown;
  tags: unknown;
  workQueueId: string | null;
  workQueueName: string | null;
  schedules: Array<{ scheduleKey: string; schedule: unknown; parameters: unknown }>;
}

/**
 * A stored schedule the pass could not expand (written before its bounds were checked, or a
 * corrupt row): left out of this pass so the others are still served; the caller warns.
 */
export interface SkippedSchedule {
  deploymentId: string;
  scheduleKey: string;
  reason: string;
}

/** What is already scheduled ahead for one schedule: SCHEDULED auto runs starting from now. */
export interface ScheduleCoverage {
  count: number;
  last: Date | null;
}

export const AUTO_SCHEDULED_TAG = "auto-scheduled";

/**
 * Dates one schedule should have runs for: from now, stopping once there are at least minRuns
 * and they reach now + minScheduledTime; never more than maxRuns nor beyond now + maxScheduledTime.
 * Every minute → ~61 runs; daily → 3; yearly more than 100 days away → none.
 */
export function datesToSchedule(schedule: unknown, w: SchedulingWindow): Date[] {
  const until = new Date(w.now.getTime() + w.maxScheduledTimeSeconds * 1000);
  const enough = w.now.getTime() + w.minScheduledTimeSeconds * 1000;
  const dates: Date[] = [];
  for (const d of nextDates(toScheduleDefinition(schedule), { after: w.now, before: until, n: w.maxRuns })) {
    dates.push(d);
    if (dates.length >= w.minRuns && d.getTime() >= enough) break;
  }
  return dates;
}

/** A schedule already covered needs no pass (saves generating and inserting known rows). */
export function isCovered(c: ScheduleCoverage | undefined, w: SchedulingWindow): boolean {
  if (!c || !c.last) return false;
  return c.count >= w.minRuns && c.last.getTime() >= w.now.getTime() + w.minScheduledTimeSeconds * 1000;
}

/**
 * The dates of each distinct stored schedule for one window (one pass): deployments that share a
 * schedule definition — the same stored JSON, timezone included — expand it once. A definition
 * that fails to expand fails for every deployment that has it.
 */
export class ScheduleDatesCache {
  private readonly dates = new Map<string, Date[] | Error>();

  constructor(readonly w: SchedulingWindow) {}

  /** The dates (shared: callers must not change the array or its Dates). */
  get(schedule: unknown): readonly Date[] {
    const key = JSON.stringify(schedule);
    let hit = this.dates.get(key);
    if (hit === undefined) {
      try {
        hit = datesToSchedule(schedule, this.w);
      } catch (e) {
        hit = e instanceof Error ? e : new Error(String(e));
      }
      this.dates.set(key, hit);
    }
    if (hit instanceof Error) throw hit;
    return hit;
  }
}

export function scheduledRunRows(
  d: DeploymentToSchedule,
  coverage: Map<string, ScheduleCoverage>,
  w: SchedulingWindow,
  skipped: SkippedSchedule[] = [],
  cache: ScheduleDatesCache = new ScheduleDatesCache(w),
): ScheduledRunRow[] {
  if (cache.w !== w) throw new Error("the schedule dates cache belongs to another scheduling window");
  const tags = [...new Set([AUTO_SCHEDULED_TAG, ...asStringArray(d.tags)])];
  const runTagsKey = tagsKey(tags);
  const rows: ScheduledRunRow[] = [];
  for (const s of d.schedules) {
    if (isCovered(coverage.get(s.scheduleKey), w)) continue;
    const parameters = {
      ...(isPlainObject(d.parameters) ? d.parameters : {}),
      ...(isPlainObject(s.parameters) ? s.parameters : {}),
    };
    let dates: readonly Date[];
    try {
      dates = cache.get(s.schedule);
    } catch (e) {
      // one bad stored schedule must not stop the pass (nor, on every restart, the scheduler)
      skipped.push({
        deploymentId: d.id,
        scheduleKey: s.scheduleKey,
        reason: e instanceof Error ? e.message : String(e),
      });
      continue;
    }
    for (const start of dates) {
      rows.push({
        id: randomUUID(),
        stateId: randomUUID(),
        name: randomRunName(),
        flowId: d.flowId,
        deploymentId: d.id,
        deploymentVersion: d.version,
        parameters,
        tags,
        tagsKey: runTagsKey,
        idempotencyKey: autoScheduledKey(d.id, s.scheduleKey, start),
        scheduleKey: s.scheduleKey,
        workQueueId: d.workQueueId,
        workQueueName: d.workQueueName,
        start,
      });
    }
  }
  return rows;
}
