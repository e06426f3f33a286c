// Schedules in deployment files and on build's command line (--cron / --interval / --rrule with
// --timezone and --anchor-date): to the API's input, checked by the server's previewSchedule
// before anything is uploaded or applied, and summarised for tables.
import { DateTime, Duration } from "luxon";
import {
  CliDeploymentPreviewScheduleDocument,
  type CliDeploymentScheduleFragment,
  type DeploymentScheduleInput,
  type ScheduleInput,
} from "../../client/generated/graphql.js";
import { OrdoApiError, type OrdoClient } from "../../client/ordo-client.js";
import { CliError } from "../common/errors.js";
import { parseDuration } from "../common/options.js";
import type { ScheduleEntry } from "./spec-files.js";

export interface ScheduleFlags {
  cron?: string;
  interval?: string;
  rrule?: string;
  timezone?: string;
  anchorDate?: string;
}

/** build's schedule flags as the entry written to deployment.yaml, or null for none. */
export function scheduleFromFlags(o: ScheduleFlags): ScheduleEntry | null {
  const given = (["cron", "interval", "rrule"] as const).filter((k) => o[k] !== undefined);
  if (given.length > 1)
    throw new CliError(`give one of --cron, --interval and --rrule, not ${given.map((k) => `--${k}`).join(" and ")}`);
  if (given.length === 0) {
    if (o.timezone !== undefined || o.anchorDate !== undefined)
      throw new CliError(`--timezone and --anchor-date go with --cron, --interval or --rrule`);
    return null;
  }
  if (o.anchorDate !== undefined && o.interval === undefined)
    throw new CliError("--anchor-date goes with --interval only");
  const timezone = o.timezone !== undefined ? { timezone: o.timezone } : {};
  if (o.cron !== undefined) return { cron: o.cron, ...timezone };
  if (o.rrule !== undefined) return { rrule: o.rrule, ...timezone };
  const entry: ScheduleEntry = { interval: intervalSeconds(o.interval!, "--interval"), ...timezone };
  if (o.anchorDate !== undefined) entry.anchor_date = anchorDate(o.anchorDate, o.timezone, "--anchor-date");
  return entry;
}

/** One file entry as applyDeployment takes it; `where` names it in errors (file:line, or a flag). */
export function scheduleInput(entry: ScheduleEntry, where: string, activeDefault = true): DeploymentScheduleInput {
  const kinds = (["interval", "cron", "rrule"] as const).filter((k) => entry[k] !== undefined);
  if (kinds.length !== 1)
    throw new CliError(
      `${where}: a schedule has exactly one of interval, cron and rrule${kinds.length ? ` (this one has ${kinds.join(" and ")})` : ""}`,
    );
  if (entry.anchor_date != null && entry.interval === undefined)
    throw new CliError(`${where}: anchor_date goes with an interval schedule only`);
  if (entry.day_or !== undefined && entry.cron === undefined)
    throw new CliError(`${where}: day_or goes with a cron schedule only`);
  const timezone = entry.timezone ? { timezone: entry.timezone } : {};
  let schedule: ScheduleInput;
  if (entry.cron !== undefined)
    schedule = {
      cron: { cron: entry.cron, ...timezone, ...(entry.day_or !== undefined ? { dayOr: entry.day_or } : {}) },
    };
  else if (entry.rrule !== undefined) schedule = { rrule: { rrule: entry.rrule, ...timezone } };
  else {
    const interval = intervalSeconds(entry.interval!, `${where}: interval`);
    const anchor = entry.anchor_date
      ? { anchorDate: anchorDate(entry.anchor_date, entry.timezone ?? undefined, `${where}: anchor_date`) }
      : {};
    schedule = { interval: { interval, ...anchor, ...timezone } };
  }
  return {
    schedule,
    active: entry.active ?? activeDefault,
    ...(entry.slug ? { slug: entry.slug } : {}),
    ...(entry.parameters ? { parameters: entry.parameters } : {}),
  };
}

/** Seconds from a number, an ISO 8601 duration (P1D, PT1H) or 30s / 10m / 2h / 1d. */
function intervalSeconds(raw: number | string, what: string): number {
  let seconds: number;
  if (typeof raw === "number") seconds = raw;
  else if (/^P/i.test(raw.trim())) seconds = Duration.fromISO(raw.trim().toUpperCase()).as("seconds");
  else {
    try {
      seconds = parseDuration(what, raw);
    } catch {
      seconds = NaN;
    }
  }
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new CliError(
      `${what} must be a positive number of seconds, an ISO 8601 duration (P1D) or 30s/10m/2h/1d, not "${raw}"`,
    );
  return seconds;
}

/** An ISO date-time; without an offset it is read in the schedule's timezone, as Prefect reads it. */
function anchorDate(raw: string, timezone: string | undefined, what: string): string {
  const parsed = DateTime.fromISO(raw.trim(), { zone: timezone || "UTC", setZone: true });
  if (!parsed.isValid)
    throw new CliError(
      `${what} must be an ISO 8601 date-time like 2024-01-01T09:00:00, not "${raw}" (${parsed.invalidExplanation ?? parsed.invalidReason})`,
    );
  return parsed.toUTC().toISO()!;
}

/**
 * Asks the server (previewSchedule validates exactly as applyDeployment does) whether each
 * schedule is usable, before anything is uploaded; returns each one's next `count` dates.
 */
export async function checkSchedules(
  client: OrdoClient,
  schedules: Array<{ input: DeploymentScheduleInput; where: string }>,
  count = 1,
): Promise<string[][]> {
  const out: string[][] = [];
  for (const { input, where } of schedules) {
    try {
      out.push(
        (await client.request(CliDeploymentPreviewScheduleDocument, { schedule: input.schedule, count }))
          .previewSchedule,
      );
    } catch (e) {
      if (e instanceof OrdoApiError && e.code !== undefined)
        throw new CliError(`${flagFor(where, e.field)}: ${e.message.replace(/^schedule(\.\w+)*: /, "")}`);
      throw e;
    }
  }
  return out;
}

/** build names a schedule by its kind's flag; a problem with its timezone or anchor is that flag's. */
function flagFor(where: string, field: string | undefined): string {
  if (!where.startsWith("--") || !field) return where;
  if (/timezone$/i.test(field)) return "--timezone";
  if (/anchorDate$/i.test(field)) return "--anchor-date";
  return where;
}

/** "every 1 day", "cron 0 9 * * * (Europe/Berlin)", "rrule FREQ=…" — for tables. */
export function describeSchedule(s: CliDeploymentScheduleFragment): string {
  const sc = s.schedule;
  const tz = (zone: string) => (zone && zone !== "UTC" ? ` (${zone})` : "");
  const off = s.active ? "" : " [inactive]";
  if (sc.__typename === "IntervalSchedule") return `every ${humanSeconds(sc.interval)}${tz(sc.timezone)}${off}`;
  if (sc.__typename === "CronSchedule") return `cron ${sc.cron}${tz(sc.timezone)}${off}`;
  return `rrule ${sc.rrule}${tz(sc.timezone)}${off}`;
}

function humanSeconds(seconds: number): string {
  const units: Array<[number, string]> = [
    [604_800, "week"],
    [86_400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds % size === 0) return `${seconds / size} ${name}${seconds / size === 1 ? "" : "s"}`;
  }
  return `${seconds} seconds`;
}
