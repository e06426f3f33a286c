// Dates of an interval schedule: fixed spacing below a day, wall-clock days (plus a fixed
// remainder) from a day up, always computed from the anchor in closed form.
import { InstantCollector, MAX_CANDIDATES, type Window } from "./instant-collector.js";
import type { IntervalDefinition } from "./schedule-definition.js";
import { DAY, fromWallClock, SECOND, toWallClock, type Resolved } from "./wall-clock.js";

const DAY_SECONDS = DAY / SECOND;

export function intervalDates(def: IntervalDefinition, window: Window): Date[] {
  const anchor = Date.parse(def.anchorDate);
  if (!(def.interval > 0) || Number.isNaN(anchor)) throw new RangeError("Interval schedule needs a positive interval and a valid anchor");
  const collector = new InstantCollector(window);
  if (collector.done) return [];
  const occurrence = def.interval < DAY_SECONDS ? fixedSpacing(def, anchor) : wallClockDays(def, anchor);
  // The first candidate comes from arithmetic (k from the elapsed time), then at most a step or two
  // of correction for DST, so anchors decades away cost nothing. Math.ceil, not Prefect's trunc:
  // both land on the same grid point once stepped forward.
  const after = window.after.getTime();
  let k = Math.ceil((after - anchor) / (def.interval * SECOND));
  while (occurrence(k - 1).instant >= after) k--;
  while (occurrence(k).instant < after) k++;
  for (let i = 0; i < MAX_CANDIDATES; i++, k++) {
    const { instant, shifted } = occurrence(k);
    if (!collector.push(instant, shifted)) break;
  }
  return collector.result();
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
