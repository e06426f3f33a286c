// A deployment's schedules in words ("At 03:00 AM", "every 5 minutes") and turned back into the
// API's input types, so the page can preview them and re-send the whole set with one change.
import cronstrue from "cronstrue";
import { DateTime } from "luxon";
import { rrulestr } from "rrule";
import type { DeploymentScheduleFieldsFragment, DeploymentScheduleInput, ScheduleInput } from "../../generated/graphql";

export type StoredSchedule = DeploymentScheduleFieldsFragment["schedule"];

const UNITS: [string, number][] = [
  ["week", 604_800],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

/** 300 → "every 5 minutes", 3600 → "every hour": the largest unit the interval is a whole number of */
export function intervalInWords(seconds: number): string {
  for (const [unit, size] of UNITS) {
    const count = seconds / size;
    if (Number.isInteger(count) && count >= 1) return count === 1 ? `every ${unit}` : `every ${count} ${unit}s`;
  }
  return `every ${seconds} seconds`;
}

export function cronInWords(cron: string, dayOr = true): string {
  try {
    const words = cronstrue.toString(cron, { verbose: false });
    // cronstrue reads "on day 1 and on Monday" as cron's default OR; say so when the deployment asked AND
    return dayOr ? words : `${words} (day of month and day of week must both match)`;
  } catch {
    return cron;
  }
}

export function rruleInWords(rrule: string): string {
  try {
    const text = rrulestr(rrule).toText();
    return text.charAt(0).toUpperCase() + text.slice(1);
  } catch {
    // rrule.js cannot word every RFC 5545 rule the server accepts: the rule itself is still exact
    return rrule;
  }
}

export function scheduleInWords(schedule: StoredSchedule): string {
  switch (schedule.__typename) {
    case "CronSchedule":
      return cronInWords(schedule.cron, schedule.dayOr);
    case "IntervalSchedule": {
      const words = intervalInWords(schedule.interval);
      return words.charAt(0).toUpperCase() + words.slice(1);
    }
    case "RRuleSchedule":
      return rruleInWords(schedule.rrule);
  }
}

/** the schedule's own definition, as shown under its words */
export function scheduleDefinition(schedule: StoredSchedule): string {
  switch (schedule.__typename) {
    case "CronSchedule":
      return schedule.cron;
    case "IntervalSchedule":
      return `${schedule.interval} s from ${schedule.anchorDate}`;
    case "RRuleSchedule":
      return schedule.rrule;
  }
}

/** The stored schedule as the API takes it back: re-applying it matches the stored one unchanged. */
export function toScheduleInput(schedule: StoredSchedule): ScheduleInput {
  switch (schedule.__typename) {
    case "CronSchedule":
      return { cron: { cron: schedule.cron, timezone: schedule.timezone, dayOr: schedule.dayOr } };
    case "IntervalSchedule":
      return {
        interval: { interval: schedule.interval, anchorDate: schedule.anchorDate, timezone: schedule.timezone },
      };
    case "RRuleSchedule":
      return { rrule: { rrule: schedule.rrule, timezone: schedule.timezone } };
  }
}

/**
 * What to preview: the stored schedule, with an rrule's pinned start written into its text. The pin
 * is where COUNT starts counting; previewing the bare rule would pin it again, at now.
 */
export function toPreviewInput(schedule: StoredSchedule): ScheduleInput {
  if (schedule.__typename !== "RRuleSchedule" || !schedule.dtstart || /DTSTART/i.test(schedule.rrule)) {
    return toScheduleInput(schedule);
  }
  const wallClock = DateTime.fromISO(schedule.dtstart).setZone(schedule.timezone).toFormat("yyyyMMdd'T'HHmmss");
  const rule = /^RRULE:/i.test(schedule.rrule.trim()) ? schedule.rrule.trim() : `RRULE:${schedule.rrule.trim()}`;
  return { rrule: { rrule: `DTSTART:${wallClock}\n${rule}`, timezone: schedule.timezone } };
}

/** One schedule of the set as applyDeployment takes it, keeping its slug and parameters. */
export function toDeploymentScheduleInput(
  stored: DeploymentScheduleFieldsFragment,
  active = stored.active,
): DeploymentScheduleInput {
  return {
    ...(stored.slug ? { slug: stored.slug } : {}),
    active,
    parameters: stored.parameters,
    schedule: toScheduleInput(stored.schedule),
  };
}

export interface ScheduledDeployment {
  flowName: string;
  name: string;
  schedules: readonly DeploymentScheduleFieldsFragment[];
}

/** applyDeployment's input that changes only the schedules: every field left out keeps its stored value */
export function schedulesInput(deployment: ScheduledDeployment, schedules: DeploymentScheduleInput[]) {
  return { input: { flowName: deployment.flowName, name: deployment.name, schedules } };
}
