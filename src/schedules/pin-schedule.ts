// Pins a DTSTART on an rrule written without one (DESIGN invariant 4), on the rule's own grid so
// its phase is the one the unpinned rule has from 2020-01-01.
import { Frequency } from "./rrule-lib.js";
import { DEFAULT_DTSTART_FLOATING } from "./rrule-input.js";
import { gridPoint, lastGridIndex, stepOf, type Step } from "./rrule-grid.js";
import { parseRRuleText } from "./rrule-text.js";
import type { RRuleDefinition, ScheduleDefinition } from "./schedule-definition.js";
import { fromWallClock, toWallClock } from "./wall-clock.js";

const FOUR_HUNDRED_YEARS = 146_097 * 86_400_000;

/**
 * For an rrule without DTSTART and without a pin: the same definition with `dtstart` = the latest
 * instant <= now on the rule's period grid, anchored at 2020-01-01T00:00 wall-clock in its zone
 * (step = INTERVAL × FREQ; SECONDLY…WEEKLY fixed lengths of wall-clock time, MONTHLY/YEARLY
 * calendar months/years). A MINUTELY;INTERVAL=7 rule keeps its phase, WEEKLY keeps Wednesday
 * (2020-01-01's weekday, rrule.js's default BYDAY), and nothing walks from 2020.
 *
 * The pin is kept out of canonicalScheduleJson/scheduleKey, so re-applying the same input later
 * matches the stored schedule, which keeps its first pin. For rules without COUNT the pin changes
 * no date; with COUNT it is where counting starts, so a stored pin must never be replaced.
 * Other kinds, and rrules that already have either, are returned unchanged.
 */
export function pinSchedule(def: ScheduleDefinition, now: Date): ScheduleDefinition {
  if (def.kind !== "rrule" || def.dtstart !== undefined) return def;
  const parts = parseRRuleText(def.rrule, def.timezone);
  if (parts.dtstart !== null) return def;
  const step = commonStep(
    [...parts.rrules, ...parts.exrules].map((o) => stepOf(o.freq ?? Frequency.DAILY, o.interval ?? 1)),
  );
  return { ...def, dtstart: new Date(pinInstant(def, step, now.getTime())).toISOString() } satisfies RRuleDefinition;
}

function pinInstant(def: RRuleDefinition, step: Step | null, now: number): number {
  const anchor = DEFAULT_DTSTART_FLOATING;
  if (step === null) return fromWallClock(anchor, def.timezone).instant;
  let k = lastGridIndex(anchor, step, toWallClock(now, def.timezone));
  // A grid time inside a spring-forward gap would read back as a different wall-clock time (and a
  // different phase), so take the grid point before it.
  for (; ; k--) {
    const { instant, shifted } = fromWallClock(gridPoint(anchor, step, k), def.timezone);
    if (!shifted && instant <= now) return instant;
  }
}

/**
 * A step on which every rule of the set is in phase: the least common multiple when all are fixed
 * lengths or all calendar months. Otherwise (a MONTHLY rule with a MINUTELY EXRULE, say) there is
 * no cheap common grid, and the pin is the 2020 origin itself: still explicit, and expansion
 * fast-forwards it per rule anyway.
 */
function commonStep(steps: Step[]): Step | null {
  if (steps.length === 0) return null;
  if (steps.every((s) => "ms" in s)) {
    const ms = steps.reduce((acc, s) => lcm(acc, (s as { ms: number }).ms), 1);
    return ms <= FOUR_HUNDRED_YEARS ? { ms } : null;
  }
  if (steps.every((s) => "months" in s)) {
    const months = steps.reduce((acc, s) => lcm(acc, (s as { months: number }).months), 1);
    return months <= 4800 ? { months } : null;
  }
  return null;
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}

/**
 * The DTSTART an rrule's expansion starts from, as an instant: the one written in its text (read
 * in the schedule's zone), else the one pinned on write; null only for a rule stored before pins
 * existed (expansion then starts from Prefect's floating 2020-01-01, rrule-dates.ts).
 */
export function rruleDtstart(def: RRuleDefinition): Date | null {
  const written = parseRRuleText(def.rrule, def.timezone).dtstart;
  if (written !== null) return new Date(fromWallClock(written, def.timezone).instant);
  return def.dtstart === undefined ? null : new Date(def.dtstart);
}
