// The next dates a schedule input would produce, before it is applied (for UIs and the CLI).
import type { ScheduleInput } from "../../schedules/schedule-definition.js";
import { nextDates } from "../../schedules/next-dates.js";
import { BadUserInputError } from "../errors.js";
import { parseSchedule } from "./parse-schedule.js";

export const MAX_PREVIEW = 1000;

export function previewSchedule(input: ScheduleInput, opts: { count: number; after: Date }, now: Date): Date[] {
  if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_PREVIEW) {
    throw new BadUserInputError(`count must be a whole number from 1 to ${MAX_PREVIEW}`, "count");
  }
  return nextDates(parseSchedule(input, "schedule", now), { after: opts.after, n: opts.count });
}
