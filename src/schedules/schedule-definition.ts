// Turns schedule input (interval / cron / rrule) into a validated, canonical, storable definition and its stable key.
import { createHash } from "node:crypto";
import { CronExpressionParser } from "cron-parser";
import { DateTime, IANAZone } from "luxon";
import { equalBoundsProblem, toCronParserSyntax } from "./cron-syntax.js";
import { normalizeRRule, RRuleProblem } from "./rrule-input.js";
import { intervalBoundsText, SCHEDULE_LIMITS } from "./schedule-limits.js";

export { pinSchedule } from "./pin-schedule.js";

export interface IntervalDefinition {
  kind: "interval";
  /** Seconds. */
  interval: number;
  /** ISO-8601 UTC instant. */
  anchorDate: string;
  timezone: string;
}
export interface CronDefinition {
  kind: "cron";
  cron: string;
  timezone: string;
  /** true: day-of-month OR day-of-week (cron's classic rule); false: both must match. */
  dayOr: boolean;
}
export interface RRuleDefinition {
  kind: "rrule";
  /** RFC 5545 text as written (normalized); a floating date is wall clock in `timezone`. */
  rrule: string;
  timezone: string;
  /**
   * ISO UTC instant used as DTSTART when the text has none: pinned on write (pinSchedule). Not
   * part of the schedule's identity: canonicalScheduleJson and scheduleKey leave it out.
   */
  dtstart?: string;
}
export type ScheduleDefinition = IntervalDefinition | CronDefinition | RRuleDefinition;

export interface ScheduleInput {
  interval?: { interval: number; anchorDate?: Date | null; timezone?: string | null } | null;
  cron?: { cron: string; timezone?: string | null; dayOr?: boolean | null } | null;
  rrule?: { rrule: string; timezone?: string | null } | null;
}

/** `field` is a dotted path relative to the schedule input ("cron.timezone"); callers prefix it. */
export class ScheduleInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "ScheduleInputError";
  }
}

const KINDS = ["interval", "cron", "rrule"] as const;

export function parseScheduleInput(input: ScheduleInput): ScheduleDefinition {
  const given = KINDS.filter((kind) => input[kind] !== undefined && input[kind] !== null);
  if (given.length !== 1) {
    const got = given.length === 0 ? "none" : given.join(" and ");
    throw new ScheduleInputError("", `Exactly one of interval, cron or rrule must be set (got ${got})`);
  }
  if (input.interval) return parseInterval(input.interval);
  if (input.cron) return parseCron(input.cron);
  return parseRRule(input.rrule!);
}

function parseInterval(input: NonNullable<ScheduleInput["interval"]>): IntervalDefinition {
  const { interval } = input;
  const { minIntervalSeconds: min, maxIntervalSeconds: max } = SCHEDULE_LIMITS;
  // `!(… && …)` so NaN fails too; Infinity arrives from a literal such as 1e400.
  if (typeof interval !== "number" || !(interval >= min && interval <= max)) {
    throw new ScheduleInputError(
      "interval.interval",
      `Interval must be from ${intervalBoundsText()}, got ${String(interval)}`,
    );
  }
  const timezone = checkTimezone(input.timezone, "interval.timezone");
  let anchorDate: string;
  if (input.anchorDate === undefined || input.anchorDate === null) {
    // Not "now": the definition is hashed into scheduleKey, so a moving default would make every
    // re-apply look like a new schedule. Midnight 2020-01-01 local keeps daily runs at midnight.
    anchorDate = DateTime.fromObject({ year: 2020, month: 1, day: 1 }, { zone: timezone }).toJSDate().toISOString();
  } else if (!(input.anchorDate instanceof Date) || Number.isNaN(input.anchorDate.getTime())) {
    throw new ScheduleInputError("interval.anchorDate", "Anchor date is not a valid date");
  } else {
    anchorDate = input.anchorDate.toISOString();
  }
  return { kind: "interval", interval, anchorDate, timezone };
}

function parseCron(input: NonNullable<ScheduleInput["cron"]>): CronDefinition {
  const timezone = checkTimezone(input.timezone, "cron.timezone");
  // Whitespace is normalised so that "0  9 * * *" and "0 9 * * *" share one scheduleKey.
  const cron = typeof input.cron === "string" ? input.cron.trim().split(/\s+/).join(" ") : "";
  const fail = (why: string) => new ScheduleInputError("cron.cron", `Invalid cron expression ${quote(cron)}: ${why}`);
  if (cron === "") throw fail("it is empty"); // cron-parser would silently read "" as every minute
  const fields = cron.split(" ");
  // cron-parser left-pads short expressions with defaults ("* * *" parses), so count fields here.
  // Six fields are refused, not guessed: croniter (Prefect) reads the sixth as SECONDS at the end,
  // cron-parser reads the first as seconds, and "0 9 * * * MON" (a day meant as a sixth field) is
  // neither. Rows stored before keep cron-parser's reading in generation (cron-syntax.ts).
  if (!cron.startsWith("@") && fields.length === 6) {
    throw fail(
      `it has 6 fields; Ordo takes 5 (minute hour day-of-month month day-of-week). Prefect's croniter would read the sixth field ${quote(fields[5]!)} as seconds, cron-parser the first as seconds: remove the extra field`,
    );
  }
  if (!cron.startsWith("@") && fields.length !== 5) {
    throw fail(`expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  }
  // Prefect rejects random (R) and hashed (H) values; cron-parser would pick a seeded value for H.
  // Standalone letters only, so month/day names such as THU or MAR are not mistaken for them.
  if (fields.some((field) => /(^|[^a-z])[hr](?![a-z])/i.test(field))) {
    throw fail("random (R) and hashed (H) values are not supported");
  }
  const equalBounds = equalBoundsProblem(cron);
  if (equalBounds) throw fail(equalBounds);
  try {
    // wrap-around ranges (sat-sun, 22-2) are written out first, as date generation does
    CronExpressionParser.parse(toCronParserSyntax(cron), {
      tz: timezone,
      currentDate: new Date(Date.UTC(2020, 0, 1)),
    }).next();
  } catch (error) {
    throw fail(libraryMessage(error));
  }
  return { kind: "cron", cron, timezone, dayOr: input.dayOr ?? true };
}

function parseRRule(input: NonNullable<ScheduleInput["rrule"]>): RRuleDefinition {
  if (typeof input.rrule !== "string") throw new ScheduleInputError("rrule.rrule", "RRule must be a string");
  let normalized;
  try {
    normalized = normalizeRRule(input.rrule);
  } catch (error) {
    const why = error instanceof RRuleProblem ? error.message : libraryMessage(error);
    throw new ScheduleInputError("rrule.rrule", `Invalid rrule ${quote(input.rrule.trim())}: ${why}`);
  }
  const tzid = normalized.dtstartTzid;
  if (tzid !== null && !IANAZone.isValidZone(tzid)) {
    throw new ScheduleInputError("rrule.rrule", `Unknown timezone ${quote(tzid)} in the rrule's DTSTART`);
  }
  // The DTSTART's TZID is the natural default; two different zones would leave the wall clock ambiguous.
  const timezone = checkTimezone(input.timezone ?? tzid, "rrule.timezone");
  if (tzid !== null && tzid !== timezone) {
    throw new ScheduleInputError(
      "rrule.timezone",
      `Timezone ${quote(timezone)} differs from the rrule's DTSTART TZID ${quote(tzid)}`,
    );
  }
  return { kind: "rrule", rrule: normalized.rrule, timezone };
}

function checkTimezone(value: string | null | undefined, field: string): string {
  if (value === undefined || value === null) return "UTC";
  if (typeof value !== "string" || !IANAZone.isValidZone(value)) {
    throw new ScheduleInputError(field, `Unknown timezone ${quote(String(value))}`);
  }
  return value;
}

/**
 * JSON with a fixed key order per kind, so equal definitions give equal strings (and keys). An
 * rrule's pinned `dtstart` is left out: it depends on when the schedule was first written, and the
 * same input applied again later must be recognised as the same schedule.
 */
export function canonicalScheduleJson(def: ScheduleDefinition): string {
  switch (def.kind) {
    case "interval":
      return JSON.stringify({
        kind: def.kind,
        interval: def.interval,
        anchorDate: def.anchorDate,
        timezone: def.timezone,
      });
    case "cron":
      return JSON.stringify({ kind: def.kind, cron: def.cron, timezone: def.timezone, dayOr: def.dayOr });
    case "rrule":
      return JSON.stringify({ kind: def.kind, rrule: def.rrule, timezone: def.timezone });
  }
}

/** Stable identity of a schedule inside its deployment: never a row id (DESIGN invariant 3). */
export function scheduleKey(slug: string | null | undefined, def: ScheduleDefinition): string {
  if (slug) return slug;
  return "def-" + createHash("sha256").update(canonicalScheduleJson(def)).digest("hex").slice(0, 16);
}

/** Reads a stored definition (object or JSON text) back; a plain Error means the row is corrupt. */
export function toScheduleDefinition(json: unknown): ScheduleDefinition {
  let value = json;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Error("Stored schedule definition is not valid JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("Stored schedule definition is not an object");
  }
  const v = value as Record<string, unknown>;
  const bad = (what: string) => new Error(`Stored ${String(v.kind)} schedule definition has no valid ${what}`);
  if (typeof v.timezone !== "string") throw bad("timezone");
  switch (v.kind) {
    case "interval":
      if (typeof v.interval !== "number" || !Number.isFinite(v.interval) || v.interval <= 0) throw bad("interval");
      if (typeof v.anchorDate !== "string" || Number.isNaN(Date.parse(v.anchorDate))) throw bad("anchorDate");
      return { kind: "interval", interval: v.interval, anchorDate: v.anchorDate, timezone: v.timezone };
    case "cron":
      if (typeof v.cron !== "string") throw bad("cron");
      if (typeof v.dayOr !== "boolean") throw bad("dayOr");
      return { kind: "cron", cron: v.cron, timezone: v.timezone, dayOr: v.dayOr };
    case "rrule": {
      if (typeof v.rrule !== "string") throw bad("rrule");
      const def: RRuleDefinition = { kind: "rrule", rrule: v.rrule, timezone: v.timezone };
      if (v.dtstart === undefined || v.dtstart === null) return def;
      if (typeof v.dtstart !== "string" || Number.isNaN(Date.parse(v.dtstart))) throw bad("dtstart");
      return { ...def, dtstart: v.dtstart };
    }
    default:
      throw new Error(`Stored schedule definition has unknown kind ${quote(String(v.kind))}`);
  }
}

// Library messages only: one line, bounded, never a stack.
function libraryMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").slice(0, 200) || "it could not be parsed";
}

// Quotes user text in messages, shortened so a 6500-character rrule does not flood an error.
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
