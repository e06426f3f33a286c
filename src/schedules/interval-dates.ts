// Dates of an interval schedule: fixed spacing below a day, wall-clock days (plus a fixed
// remainder) from a day up, always computed from the anchor in closed form.
import { ForwardGuard, ScheduleExpansionError } from "./forward-guard.js";
import { InstantCollector, type Window } from "./instant-collector.js";
import type { IntervalDefinition } from "./schedule-definition.js";
import { intervalBoundsText, SCHEDULE_LIMITS } from "./schedule-limits.js";
import { DAY, fromWallClock, SECOND, toWallClock, type Resolved } from "./wall-clock.js";

const DAY_SECONDS = DAY / SECOND;
/** The arithmetic first index is off by a step or two at most (DST); more means the step cannot move it. */
const MAX_CORRECTION_STEPS = 8;

export function intervalDates(def: IntervalDefinition, window: Window): Date[] {
  const anchor = Date.parse(def.anchorDate);
  if (Number.isNaN(anchor)) throw new RangeError("Interval schedule needs a valid anchor");
  // Input validation enforces the bounds; this catches definitions stored before it did, whose
  // expansion would otherwise hang the scheduler (1e-9 s) or produce NaN dates (1e308 s).
  const { minIntervalSeconds, maxIntervalSeconds } = SCHEDULE_LIMITS;
  if (!(def.interval >= minIntervalSeconds && def.interval <= maxIntervalSeconds)) {
    throw new ScheduleExpansionError(`interval of ${def.interval} seconds is outside ${intervalBoundsText()}`);
  }
  const collector = new InstantCollector(window);
  if (collector.done) return [];
  const occurrence = def.interval < DAY_SECONDS ? fixedSpacing(def, anchor) : wallClockDays(def, anchor);
  // The first candidate comes from arithmetic (k from the elapsed time), then at most a step or two
  // of correction for DST, so anchors decades away cost nothing. Math.ceil, not Prefect's trunc:
  // both land on the same grid point once stepped forward.
  const after = window.after.getTime();
  let k = firstIndex(Math.ceil((after - anchor) / (def.interval * SECOND)), (i) => occurrence(i).instant >= after);
  const guard = new ForwardGuard("interval date");
  for (; ; k++) {
    const { instant, shifted } = occurrence(k);
    const within = guard.advance(instant);
    if (!collector.push(instant, shifted) || !within) break;
  }
  return collector.result();
}

/**
 * The smallest index whose date is on or after `after`, from an estimate. The corrections are
 * bounded: a float step too small to change k (`k - 1 === k` beyond 2^53) must not spin here.
 */
export function firstIndex(estimate: number, onOrAfter: (k: number) => boolean): number {
  if (!Number.isSafeInteger(estimate))
    throw new ScheduleExpansionError(`interval index ${estimate} is not a safe integer`);
  let k = estimate;
  for (let i = 0; onOrAfter(k - 1); i++, k--) {
    if (i >= MAX_CORRECTION_STEPS)
      throw new ScheduleExpansionError("interval dates do not converge on the window's start");
  }
  for (let i = 0; !onOrAfter(k); i++, k++) {
    if (i >= MAX_CORRECTION_STEPS)
      throw new ScheduleExpansionError("interval dates do not converge on the window's start");
  }
  return k;
}

// Below a day: plain milliseconds, so across a fall-back two runs may both read 01:xx locally
// (Prefect's documented behaviour) and none is lost or doubled.
function fixedSpacing(def: IntervalDefinition, anchor: number): (k: number) => Resolved {
  const step = def.interval * SECOND;
  return (k) => ({ instant: Math.round(anchor + k * step), shifted: false });
}

// A day or more: the whole-day part moves the wall clock (a daily 09:00 stays 09:00 across DST),
// the remainder is absolute seconds. Each occurrence is computed from the anchor rather than from
// the previous one, so a run shifted out of a spring-forward gap (02:30 → 03:30) does not drag the
// following days to 03:30, and the answer never depends on where a query starts (Prefect restarts
// from an absolute offset, which can change the phase of such schedules between calls).
function wallClockDays(def: IntervalDefinition, anchor: number): (k: number) => Resolved {
  const days = Math.floor(def.interval / DAY_SECONDS);
  const remainder = (def.interval - days * DAY_SECONDS) * SECOND;
  const anchorWall = toWallClock(anchor, def.timezone);
  return (k) => {
    const day = fromWallClock(anchorWall + k * days * DAY, def.timezone);
    return { instant: Math.round(day.instant + k * remainder), shifted: day.shifted };
  };
}
