// Where an rrule's periods (FREQ × INTERVAL) fall in floating time: used to pin a DTSTART on the
// rule's own grid and to fast-forward an old DTSTART without changing which dates the rule makes.
import type { Frequency as Freq } from "rrule";
import { Frequency } from "./rrule-lib.js";
import { DAY, HOUR, MINUTE, SECOND } from "./wall-clock.js";

const FIXED: Partial<Record<Freq, number>> = {
  [Frequency.WEEKLY]: 7 * DAY,
  [Frequency.DAILY]: DAY,
  [Frequency.HOURLY]: HOUR,
  [Frequency.MINUTELY]: MINUTE,
  [Frequency.SECONDLY]: SECOND,
};

/** Months per period for the calendar frequencies, else undefined. */
export function calendarMonths(freq: Freq): number | undefined {
  return freq === Frequency.YEARLY ? 12 : freq === Frequency.MONTHLY ? 1 : undefined;
}

/** Milliseconds per period for the fixed frequencies (floating time has no DST, so a day is 24 h). */
export function fixedPeriod(freq: Freq): number | undefined {
  return FIXED[freq];
}

function monthIndex(floating: number): number {
  const d = new Date(floating);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** anchor + k periods of `months` calendar months, day clamped to the month (Jan 31 + 1 month = Feb 29). */
function addMonths(anchor: number, months: number): number {
  const d = new Date(anchor);
  const target = monthIndex(anchor) + months;
  const year = Math.floor(target / 12);
  const month = target - year * 12;
  const day = Math.min(d.getUTCDate(), new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  const timeOfDay = anchor - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(year, month, day) + timeOfDay;
}

/** A grid step: a fixed duration, or whole calendar months. */
export type Step = { ms: number } | { months: number };

export function stepOf(freq: Freq, interval: number): Step {
  const months = calendarMonths(freq);
  return months === undefined ? { ms: fixedPeriod(freq)! * interval } : { months: months * interval };
}

export function gridPoint(anchor: number, step: Step, k: number): number {
  return "ms" in step ? anchor + k * step.ms : addMonths(anchor, k * step.months);
}

/** The index k of the latest grid point <= target (estimated arithmetically, then corrected). */
export function lastGridIndex(anchor: number, step: Step, target: number): number {
  let k =
    "ms" in step
      ? Math.floor((target - anchor) / step.ms)
      : Math.floor((monthIndex(target) - monthIndex(anchor)) / step.months);
  while (gridPoint(anchor, step, k) > target) k--;
  while (gridPoint(anchor, step, k + 1) <= target) k++;
  return k;
}

/**
 * rrule.js's period number of a floating time: the calendar year, month, week (starting on
 * `wkst`, 0 = Monday), day, hour, minute or second it falls in. rrule.js steps INTERVAL of these
 * from the period holding DTSTART, so a period fires only if its number is congruent to DTSTART's.
 */
function periodIndex(floating: number, freq: Freq, wkst: number): number {
  if (freq === Frequency.YEARLY) return new Date(floating).getUTCFullYear();
  if (freq === Frequency.MONTHLY) return monthIndex(floating);
  // 1970-01-01 was a Thursday, weekday 3 when Monday is 0.
  if (freq === Frequency.WEEKLY) return Math.floor((Math.floor(floating / DAY) + 3 - wkst) / 7);
  return Math.floor(floating / fixedPeriod(freq)!);
}

function periodStart(index: number, freq: Freq, wkst: number): number {
  if (freq === Frequency.YEARLY) return Date.UTC(index, 0, 1);
  if (freq === Frequency.MONTHLY) return Date.UTC(Math.floor(index / 12), ((index % 12) + 12) % 12, 1);
  if (freq === Frequency.WEEKLY) return (index * 7 - 3 + wkst) * DAY;
  return index * fixedPeriod(freq)!;
}

/**
 * A DTSTART to iterate from instead of `dtstart` that yields exactly the same dates from `target`
 * on: the start of the first period at or after `target`'s that is in phase with DTSTART. rrule.js
 * builds whole periods and drops dates before DTSTART, so starting at a period boundary keeps
 * BYSETPOS (which counts within the period) right. Only valid when the caller has frozen every
 * default rrule.js derives from DTSTART (BYMONTHDAY, BYDAY, BYHOUR… — its parsed options) and the
 * rule has no COUNT (which counts from the real DTSTART).
 */
export function fastForward(dtstart: number, freq: Freq, interval: number, wkst: number, target: number): number {
  const first = periodIndex(dtstart, freq, wkst);
  const wanted = periodIndex(target, freq, wkst);
  if (wanted <= first) return dtstart;
  return periodStart(first + Math.ceil((wanted - first) / interval) * interval, freq, wkst);
}
