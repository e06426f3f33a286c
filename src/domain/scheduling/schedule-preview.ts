// The next dates a schedule input would produce, before it is applied (for UIs and the CLI).
import { ScheduleExpansionError } from "../../schedules/forward-guard.js";
import { nextDates } from "../../schedules/next-dates.js";
import type { ScheduleInput } from "../../schedules/schedule-definition.js";
import { SCHEDULE_LIMITS } from "../../schedules/schedule-limits.js";
import { BadUserInputError } from "../errors.js";
import { parseSchedule } from "./parse-schedule.js";

export const MAX_PREVIEW = SCHEDULE_LIMITS.maxPreviewCount;

export function previewSchedule(input: ScheduleInput, opts: { count: number; after: Date }, now: Date): Date[] {
  if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_PREVIEW) {
    throw new BadUserInputError(
      `count must be a whole number from 1 to ${MAX_PREVIEW}, got ${String(opts.count)}`,
      "count",
    );
  }
  const definition = parseSchedule(input, "schedule", now);
  try {
    return nextDates(definition, { after: opts.after, n: opts.count });
  } catch (e) {
    // validation should leave nothing for the guards to catch; if it does, it is still this input's fault
    if (e instanceof ScheduleExpansionError) throw new BadUserInputError(`schedule: ${e.message}`, "schedule");
    throw e;
  }
}
