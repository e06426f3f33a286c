// Checks an RRULE text for storage: normalizes it and rejects rules that can never fire or that
// would hang rrule.js, which validates almost nothing itself (BYHOUR=25, COUNT=0, INTERVAL=0 all parse).
import type { Options, RRuleSet as RRuleSetType } from "rrule";
import { Frequency, rrulestr } from "./rrule-lib.js";
import { SCHEDULE_LIMITS } from "./schedule-limits.js";

export const MAX_RRULE_LENGTH = SCHEDULE_LIMITS.maxRRuleLength;

// The phase origin of a rule without DTSTART: floating midnight 2020-01-01 in the schedule's zone
// (Prefect's default). It is never written into the text, which is hashed into scheduleKey; the
// DTSTART pinned on write (pinSchedule) lies on the grid it starts. Validation parses with it, so a
// rule's checks do not depend on the day it is applied (rrule.js would use the current second).
export const DEFAULT_DTSTART = "20200101T000000";
export const DEFAULT_DTSTART_FLOATING = Date.UTC(2020, 0, 1);

/** A reason the rule is unusable; the caller turns it into a ScheduleInputError. */
export class RRuleProblem extends Error {}

export interface NormalizedRRule {
  /** The text as written, one property per line; no DTSTART is added (see pinSchedule). */
  rrule: string;
  /** TZID written on the DTSTART line, if any. */
  dtstartTzid: string | null;
}

const FREQUENCIES = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"];

export function normalizeRRule(raw: string): NormalizedRRule {
  // One line per property, no CR or padding: equal rules must give equal text (it is hashed). A
  // bare "FREQ=…" line gets its RRULE: name, so both spellings are one schedule.
  const lines = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const text = lines.map((line) => (line.includes(":") ? line : `RRULE:${line}`)).join("\n");
  if (text === "") throw new RRuleProblem("it is empty");
  if (raw.length > MAX_RRULE_LENGTH) {
    throw new RRuleProblem(`it is ${raw.length} characters long, at most ${MAX_RRULE_LENGTH} are allowed`);
  }
  // rrule.js reads an unknown FREQ as undefined and says "Invalid frequency: undefined undefined"
  for (const [, freq] of text.matchAll(/(?:^|[:;])FREQ=([^;\n]*)/gim)) {
    if (!FREQUENCIES.includes(freq!.toUpperCase()))
      throw new RRuleProblem(`FREQ=${freq} is not a frequency; use one of ${FREQUENCIES.join(", ")}`);
  }
  const hasDtstart = /^DTSTART[;:]/im.test(text);
  let set: RRuleSetType;
  try {
    set = rrulestr(hasDtstart ? text : `DTSTART:${DEFAULT_DTSTART}\n${text}`, { forceset: true }) as RRuleSetType;
  } catch (error) {
    // rrule.js throws TypeErrors from deep inside (e.g. "reading 'n'" for BYDAY=XX): not worth showing.
    const detail = error instanceof Error && error.constructor === Error ? firstLine(error.message) : "";
    throw new RRuleProblem(detail ? `it does not parse: ${detail}` : "it is not a valid RFC 5545 recurrence rule");
  }
  const rules = set.rrules();
  // A set of only exclusions (EXDATE/EXRULE) is valid in Prefect (dateutil builds an empty set) and
  // simply never fires; expansion of it stops at once. Only a text with nothing in it is refused.
  if (rules.length === 0 && set.rdates().length === 0 && set.exdates().length === 0 && set.exrules().length === 0) {
    throw new RRuleProblem("it has no RRULE, RDATE, EXRULE or EXDATE line");
  }
  for (const rule of rules) checkRule(rule.origOptions, "RRULE");
  for (const rule of set.exrules()) checkRule(rule.origOptions, "EXRULE");
  const tzid = /^DTSTART;(?:[^:\n]*;)?TZID=([^;:\n]+)/im.exec(text)?.[1] ?? null;
  return { rrule: text, dtstartTzid: tzid };
}

type IntRule = [key: keyof Options, name: string, max: number, signed: boolean, min?: number];
// Values rrule.js accepts silently. Out of range they make nothing (or, sub-daily, an endless loop).
const INT_RULES: IntRule[] = [
  ["count", "COUNT", Number.MAX_SAFE_INTEGER, false, 1],
  ["interval", "INTERVAL", Number.MAX_SAFE_INTEGER, false, 1],
  ["bysecond", "BYSECOND", 59, false, 0],
  ["byminute", "BYMINUTE", 59, false, 0],
  ["byhour", "BYHOUR", 23, false, 0],
  ["bymonth", "BYMONTH", 12, false, 1],
  ["bymonthday", "BYMONTHDAY", 31, true],
  ["byyearday", "BYYEARDAY", 366, true],
  ["byweekno", "BYWEEKNO", 53, true],
  ["bysetpos", "BYSETPOS", 366, true],
];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function checkRule(o: Partial<Options>, line: string): void {
  if (o.freq === undefined || o.freq === null) throw new RRuleProblem(`its ${line} has no FREQ`);
  for (const [key, name, max, signed, min = 1] of INT_RULES) {
    for (const v of values(o[key])) {
      const ok = Number.isInteger(v) && (signed ? v !== 0 && Math.abs(v) <= max : v >= min && v <= max);
      if (!ok) {
        const range = signed
          ? `-${max}..-1 or 1..${max}`
          : max === Number.MAX_SAFE_INTEGER
            ? `at least ${min}`
            : `${min}..${max}`;
        throw new RRuleProblem(`${name}=${String(v)} is out of range (expected ${range})`);
      }
    }
  }
  for (const day of list(o.byweekday)) {
    const n = (day as { n?: unknown } | null)?.n;
    if (n !== undefined && n !== null && !(Number.isInteger(n) && n !== 0 && Math.abs(n as number) <= 53)) {
      throw new RRuleProblem(`BYDAY ordinal ${String(n)} is out of range (expected -53..-1 or 1..53)`);
    }
  }
  const months = values(o.bymonth);
  const monthDays = values(o.bymonthday);
  if (
    months.length &&
    monthDays.length &&
    !months.some((m) => monthDays.some((d) => Math.abs(d) <= DAYS_IN_MONTH[m - 1]!))
  ) {
    throw new RRuleProblem(
      `BYMONTHDAY=${monthDays.join(",")} never falls in BYMONTH=${months.join(",")}, so it never fires`,
    );
  }
  if (line === "RRULE" && o.until && o.dtstart && o.until < o.dtstart) {
    throw new RRuleProblem("its UNTIL is before DTSTART, so it never fires");
  }
  checkSubDailyReachable(o);
}

// rrule.js advances HOURLY/MINUTELY/SECONDLY rules in an unbounded loop until the time of day is in
// BYHOUR/BYMINUTE/BYSECOND; if INTERVAL's phase never reaches one, it loops forever (e.g.
// FREQ=HOURLY;INTERVAL=24;BYHOUR=1 from a midnight DTSTART). The reachable seconds of the day are
// those congruent to DTSTART's modulo gcd(step, 1 day).
function checkSubDailyReachable(o: Partial<Options>): void {
  const freq = o.freq;
  if (freq !== Frequency.HOURLY && freq !== Frequency.MINUTELY && freq !== Frequency.SECONDLY) return;
  const hours = values(o.byhour);
  const minutes = freq === Frequency.HOURLY ? [] : values(o.byminute);
  const seconds = freq === Frequency.SECONDLY ? values(o.bysecond) : [];
  if (!hours.length && !minutes.length && !seconds.length) return;
  const unit = freq === Frequency.HOURLY ? 3600 : freq === Frequency.MINUTELY ? 60 : 1;
  const step = gcd((values(o.interval)[0] ?? 1) * unit, 86400);
  const start = o.dtstart ?? new Date(0);
  const startOfDay = start.getUTCHours() * 3600 + start.getUTCMinutes() * 60 + start.getUTCSeconds();
  const or = (list: number[], all: number, fixed: number) =>
    list.length ? list : all > 0 ? Array.from({ length: all }, (_, i) => i) : [fixed];
  const hs = or(hours, 24, 0);
  const ms = or(minutes, freq === Frequency.HOURLY ? 0 : 60, start.getUTCMinutes());
  const ss = or(seconds, freq === Frequency.SECONDLY ? 60 : 0, start.getUTCSeconds());
  for (const h of hs)
    for (const m of ms)
      for (const s of ss) {
        if ((((h * 3600 + m * 60 + s - startOfDay) % step) + step) % step === 0) return;
      }
  throw new RRuleProblem(
    "with this INTERVAL and DTSTART its BYHOUR/BYMINUTE/BYSECOND values are never reached, so it never fires",
  );
}

function list(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

// rrule.js keeps unparsable numbers as strings ("3.5", "a"); Number() turns those into failures.
function values(v: unknown): number[] {
  return list(v).map(Number);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").slice(0, 200);
}
