// Converts between instants and "floating" wall-clock time (local fields stored as if UTC), the
// space in which cron-parser (run in UTC) and rrule.js iterate, so they never see a DST change.
import { DateTime, IANAZone } from "luxon";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface Resolved {
  /** Epoch ms of the wall-clock time in the zone. */
  instant: number;
  /** The wall-clock time does not exist (spring-forward gap); `instant` is the equivalent instant after it. */
  shifted: boolean;
}

// Luxon answers offsets through Intl (~12 µs each; resolving a local time with its ambiguity check
// ~70 µs), too slow for a scheduler that resolves 100 runs for each of thousands of schedules. So
// each UTC day is asked once whether its offset is constant; on such days an offset is exact, and
// only days holding a transition take luxon's full path. (A day is probed at its start, middle and
// end: two transitions cancelling out between probes would be missed; tzdata has no such pair.)
const MAX_DAYS_PER_ZONE = 20_000;
const dayOffsets = new Map<string, Map<number, number | null>>();

function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`Unknown timezone ${JSON.stringify(name)}`);
  return zone;
}

/** Offset (minutes) that holds for the whole UTC day, or null when the day holds a transition. */
function stableDayOffset(zone: string, day: number): number | null {
  if (zone === "UTC") return 0;
  let days = dayOffsets.get(zone);
  if (!days) dayOffsets.set(zone, (days = new Map()));
  let offset = days.get(day);
  if (offset === undefined) {
    const z = zoneOf(zone);
    const start = z.offset(day * DAY);
    offset = start === z.offset(day * DAY + DAY / 2) && start === z.offset(day * DAY + DAY - 1) ? start : null;
    if (days.size >= MAX_DAYS_PER_ZONE) days.clear(); // bounded memory for a long-running server
    days.set(day, offset);
  }
  return offset;
}

/** Zone offset in minutes at an instant. */
export function offsetAt(zone: string, instant: number): number {
  return stableDayOffset(zone, Math.floor(instant / DAY)) ?? zoneOf(zone).offset(instant);
}

/** The instant's wall-clock time in the zone, as floating ms. */
export function toWallClock(instant: number, zone: string): number {
  return instant + offsetAt(zone, instant) * MINUTE;
}

/**
 * The instant of a wall-clock time in the zone. A time repeated by a fall-back resolves to its
 * FIRST occurrence; a time skipped by a spring-forward resolves to the equivalent instant (read
 * with the offset before the jump: 02:30 in New York's gap is 03:30 EDT), as cron and Prefect do.
 */
export function fromWallClock(floating: number, zone: string): Resolved {
  // The instant lies within a day of the floating value (offsets span -12 h…+14 h).
  const day = Math.floor(floating / DAY);
  const offset = stableDayOffset(zone, day);
  if (offset !== null && offset === stableDayOffset(zone, day - 1) && offset === stableDayOffset(zone, day + 1)) {
    return { instant: floating - offset * MINUTE, shifted: false };
  }
  const f = new Date(floating);
  const fields = {
    year: f.getUTCFullYear(),
    month: f.getUTCMonth() + 1,
    day: f.getUTCDate(),
    hour: f.getUTCHours(),
    minute: f.getUTCMinutes(),
    second: f.getUTCSeconds(),
    millisecond: f.getUTCMilliseconds(),
  };
  const dt = DateTime.fromObject(fields, { zone });
  if (!dt.isValid) throw new RangeError(`Cannot resolve ${f.toISOString()} in ${zone}: ${dt.invalidExplanation ?? ""}`);
  // Luxon moves a skipped local time forward by the gap, which is the equivalent instant we want.
  if (dt.hour !== fields.hour || dt.minute !== fields.minute || dt.day !== fields.day) {
    return { instant: dt.toMillis(), shifted: true };
  }
  // For a repeated local time luxon may pick either occurrence (it picks the later one for
  // fromObject but keeps the earlier one in plus()); getPossibleOffsets lists both.
  const instant = Math.min(...dt.getPossibleOffsets().map((d) => d.toMillis()), dt.toMillis());
  return { instant, shifted: false };
}

/**
 * The earliest floating time that can resolve to an instant >= `after`. Usually the wall-clock of
 * `after`; earlier when a spring-forward just before `after` shifts skipped times past it.
 */
export function searchStart(after: number, zone: string): number {
  const offset = Math.min(offsetAt(zone, after - DAY), offsetAt(zone, after));
  return after + offset * MINUTE;
}

/** A floating time past which every wall-clock time resolves to an instant >= `before`. */
export function searchEnd(before: number | undefined, zone: string): number {
  if (before === undefined) return Number.POSITIVE_INFINITY;
  return before + Math.max(offsetAt(zone, before - DAY), offsetAt(zone, before), offsetAt(zone, before + DAY)) * MINUTE;
}
