// Dates of an rrule schedule: rrule.js expands each RRULE in floating wall-clock time from a
// fast-forwarded DTSTART, this module merges the rules with RDATE/EXDATE/EXRULE itself, and
// luxon turns the result into instants in the schedule's zone.
import type { Options, RRule as RRuleType } from "rrule";
import { ForwardGuard } from "./forward-guard.js";
import { InstantCollector, MAX_CANDIDATES, type Window } from "./instant-collector.js";
import { Frequency, RRule } from "./rrule-lib.js";
import { DEFAULT_DTSTART_FLOATING } from "./rrule-input.js";
import { fastForward } from "./rrule-grid.js";
import { parseRRuleText, type RRuleParts } from "./rrule-text.js";
import type { RRuleDefinition } from "./schedule-definition.js";
import { SCHEDULE_LIMITS } from "./schedule-limits.js";
import { fromWallClock, searchEnd, searchStart, toWallClock } from "./wall-clock.js";

type ParsedOptions = RRuleType["options"];

/**
 * rrule.js walks period by period until a date matches, up to year 9999: a rule that (almost)
 * never fires, such as FREQ=DAILY;BYYEARDAY=366;BYMONTH=1, takes ~9 s per call, and the candidate
 * cap cannot stop it because nothing is yielded. So periods are budgeted too (~3 µs each).
 */
export const MAX_PERIODS = SCHEDULE_LIMITS.maxRRulePeriods;

export interface Budget {
  periods: number;
  max: number;
}

export function rruleDates(
  def: RRuleDefinition,
  window: Window,
  budget: Budget = { periods: 0, max: MAX_PERIODS },
): Date[] {
  const zone = def.timezone;
  const parts = parseRRuleText(def.rrule, zone);
  // The text's DTSTART wins; then the pin; then Prefect's floating 2020-01-01 (rules stored
  // before they were pinned), which fast-forwarding makes as cheap as a pin.
  const dtstart =
    parts.dtstart ?? (def.dtstart ? toWallClock(Date.parse(def.dtstart), zone) : DEFAULT_DTSTART_FLOATING);
  const after = window.after.getTime();
  const from = searchStart(after, zone);
  const horizon = searchEnd(window.before?.getTime(), zone);
  const rules = parts.rrules.map((o) => parsedOptions(o, dtstart));
  const excluded = new Set(parts.exdates);
  // An EXRULE with COUNT cannot be fast-forwarded, but COUNT bounds it: expand it whole, once.
  const exrules = parts.exrules
    .map((o) => parsedOptions(o, dtstart))
    .filter((o) => {
      if (o.count)
        expand(o, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, o.count, budget).values.forEach((t) =>
          excluded.add(t),
        );
      return !o.count;
    });
  // First ask each rule for about what the answer needs; only if that runs short, for the cap.
  for (const limit of [Math.min(MAX_CANDIDATES, window.n + parts.exdates.length + 16), MAX_CANDIDATES]) {
    const collector = new InstantCollector(window);
    if (collector.done) return [];
    const { candidates, complete } = merge(parts, rules, from, horizon, limit, budget);
    for (const floating of candidates) {
      const keep = !excluded.has(floating) && !exrules.some((o) => occursAt(o, floating));
      const more = keep ? collector.push(...resolved(floating, zone)) : collector.skip();
      if (!more) break;
    }
    if (collector.done || complete || limit === MAX_CANDIDATES) return collector.result();
  }
  return [];
}

function resolved(floating: number, zone: string): [number, boolean] {
  const { instant, shifted } = fromWallClock(floating, zone);
  return [instant, shifted];
}

/**
 * rrule.js's parsed options for a rule from DTSTART: every default it derives from DTSTART, frozen.
 * BYHOUR/BYMINUTE/BYSECOND are sorted to work around an rrule.js bug: for DAILY and coarser rules
 * it builds each day's times in the order written, so BYHOUR=6,5 yields 06:00 before 05:00 (and a
 * window or UNTIL ending between them drops 05:00). python-dateutil sorts them.
 */
function parsedOptions(options: Partial<Options>, dtstart: number): ParsedOptions {
  const parsed = new RRule({ ...options, dtstart: new Date(dtstart), tzid: null }, true).options;
  const sorted = (list: number[] | null) => (list ? [...list].sort((a, b) => a - b) : list);
  return {
    ...parsed,
    byhour: sorted(parsed.byhour),
    byminute: sorted(parsed.byminute),
    bysecond: sorted(parsed.bysecond),
  } as ParsedOptions;
}

/**
 * Floating candidates >= from, sorted and unique. Each rule stops at `limit`, so past the lowest
 * point where some rule was cut the merged list may miss dates: it is cut there, and `complete`
 * says whether any cut happened (rrule.js's own RRuleSet cannot do this: it runs its rules one after
 * another and sorts at the end, so an early stop is wrong, and it re-expands EXRULEs per date).
 */
function merge(
  parts: RRuleParts,
  rules: ParsedOptions[],
  from: number,
  horizon: number,
  limit: number,
  budget: Budget,
) {
  let cut = Number.POSITIVE_INFINITY;
  const all: number[] = parts.rdates.filter((t) => t >= from && t <= horizon);
  for (const options of rules) {
    const { values, truncated } = expand(options, from, horizon, limit, budget);
    if (truncated) cut = Math.min(cut, values[values.length - 1]!);
    all.push(...values);
  }
  const candidates = [...new Set(all)].filter((t) => t <= cut).sort((a, b) => a - b);
  return { candidates, complete: cut === Number.POSITIVE_INFINITY };
}

function expand(options: ParsedOptions, from: number, horizon: number, limit: number, budget: Budget) {
  const values: number[] = [];
  let truncated = false;
  const { iterate, accept } = withoutPhaseBug(fastForwarded(options, from));
  // The period budget caps this loop and `limit` the values kept; the guard makes a date that
  // does not advance an error rather than a silent repeat. No step cap of its own: a period may
  // hold many dates before `from` (the budget bounds those).
  const guard = new ForwardGuard("rrule date", Number.POSITIVE_INFINITY);
  budgeted(iterate, budget).all((date) => {
    const t = date.getTime();
    guard.advance(t);
    if (t > horizon) return false;
    if (t < from || !accept(t)) return true;
    values.push(t);
    truncated = values.length >= limit;
    return !truncated;
  });
  return { values, truncated };
}

/**
 * Whether an EXRULE (without COUNT) produces exactly this floating time. Fast-forwarded, the
 * period holding it is the first one walked, and it is walked whole even with a budget of 0.
 */
function occursAt(options: ParsedOptions, floating: number): boolean {
  const start = fastForwarded(options, floating);
  if (start.dtstart.getTime() > floating) return false; // its period is out of phase
  const { iterate, accept } = withoutPhaseBug(start);
  if (!accept(floating)) return false;
  let hit = false;
  budgeted(iterate, { periods: 0, max: 0 }).all((date) => {
    hit = date.getTime() === floating;
    return date.getTime() < floating;
  });
  return hit;
}

/**
 * rrule.js bug: when a MINUTELY rule with BYHOUR (a SECONDLY one with BYHOUR or BYMINUTE) rolls
 * into an hour (minute) it excludes, it skips ahead one hour (minute) at a time instead of by
 * INTERVAL, so FREQ=MINUTELY;INTERVAL=13;BYHOUR=9,10 drifts off its 13-minute grid every day and
 * the dates depend on where iteration started (python-dateutil jumps correctly). Harmless when
 * INTERVAL divides the skipped unit (INTERVAL=15 minutes, say). Otherwise the rule is iterated
 * without those filters, applied here instead; the skipped periods count against the period
 * budget, not the candidate cap, as rrule.js's own skipping would.
 */
function withoutPhaseBug(options: ParsedOptions): { iterate: ParsedOptions; accept: (floating: number) => boolean } {
  const seconds =
    options.freq === Frequency.MINUTELY
      ? 60 * options.interval
      : options.freq === Frequency.SECONDLY
        ? options.interval
        : 0;
  const drifts = (unit: number, list: number[] | null) => seconds > 0 && !!list?.length && unit % seconds !== 0;
  const hours = drifts(3600, options.byhour) ? new Set(options.byhour) : null;
  const minutes =
    options.freq === Frequency.SECONDLY && drifts(60, options.byminute) ? new Set(options.byminute) : null;
  if (!hours && !minutes) return { iterate: options, accept: () => true };
  const iterate = { ...options, byhour: hours ? [] : options.byhour, byminute: minutes ? [] : options.byminute };
  return {
    iterate,
    accept: (floating) => {
      const d = new Date(floating);
      return (!hours || hours.has(d.getUTCHours())) && (!minutes || minutes.has(d.getUTCMinutes()));
    },
  };
}

// COUNT counts from the real DTSTART, so such rules walk from it (within the period budget).
function fastForwarded(options: ParsedOptions, target: number): ParsedOptions {
  if (options.count) return options;
  const dtstart = fastForward(options.dtstart.getTime(), options.freq, options.interval, options.wkst, target);
  return dtstart === options.dtstart.getTime() ? options : { ...options, dtstart: new Date(dtstart) };
}

/**
 * An RRule iterating `options` that stops after `budget.max` periods. rrule.js's iterator reads
 * `options.interval` once on entry, then twice per period: at the period's end (`=== 0` ends the
 * iteration) and in DateTime.add. Answering 0 only at the end-of-period read stops it cleanly
 * (answering 0 inside add could spin forever). rrule 2.8.1 is unmaintained since 2023; the
 * budget test in next-dates.test.ts fails if this reading pattern ever changes.
 */
function budgeted(options: ParsedOptions, budget: Budget): RRuleType {
  const rule = new RRule({ freq: options.freq }, true);
  const { interval } = options;
  let reads = 0;
  const wrapped = { ...options };
  Object.defineProperty(wrapped, "interval", {
    enumerable: true,
    get() {
      reads++;
      if (reads % 2 === 0 && ++budget.periods > budget.max) return 0;
      return interval;
    },
  });
  rule.options = wrapped;
  return rule;
}
