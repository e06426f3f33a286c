// Test oracle, independent of the code under test: walks real time minute by minute and reads the
// local wall clock with Intl.DateTimeFormat (no luxon, cron-parser or rrule.js), then applies the
// documented DST rules to decide which instants a wall-clock schedule fires at.

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Days since 1970-01-01 of the local date. */
  dayNumber: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local wall clock of an instant, as "floating" ms (local fields read as if UTC). */
export function localMs(zone: string, instant: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!) + (instant % MINUTE);
}

export function fieldsOf(floating: number): LocalTime {
  const d = new Date(floating);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
    dayNumber: Math.floor(floating / DAY),
  };
}

/**
 * Instants in [from, to) at which a schedule matching local minutes fires: each matching local
 * minute once, at its FIRST real occurrence; a matching local minute skipped by a spring-forward
 * at the equivalent instant (the skipped time read with the offset in force before the jump).
 * Start `from` a few hours early so first passes and gaps just before the window are seen.
 */
export function wallClockFirings(zone: string, from: number, to: number, matches: (t: LocalTime) => boolean): number[] {
  const out = new Set<number>();
  const seen = new Set<number>();
  let prev: { instant: number; local: number } | null = null;
  for (let t = Math.floor(from / MINUTE) * MINUTE; t < to; t += MINUTE) {
    const local = localMs(zone, t);
    if (prev && local > prev.local + MINUTE) {
      for (let g = prev.local + MINUTE; g < local; g += MINUTE) {
        if (matches(fieldsOf(g))) out.add(prev.instant + (g - prev.local));
      }
    }
    if (!seen.has(local)) {
      seen.add(local);
      if (matches(fieldsOf(local))) out.add(t);
    }
    prev = { instant: t, local };
  }
  // A gap's equivalent instants can land past `to`.
  return [...out].filter((t) => t < to).sort((a, b) => a - b);
}

/** Instants (to the minute) where the zone's UTC offset changes, found by weekly scans and bisection. */
export function transitions(zone: string, fromYear: number, toYear: number): number[] {
  const offset = (t: number) => localMs(zone, t) - t;
  const found: number[] = [];
  const end = Date.UTC(toYear + 1, 0, 1);
  for (let t = Date.UTC(fromYear, 0, 1); t < end; t += 7 * DAY) {
    if (offset(t) === offset(t + 7 * DAY)) continue;
    let lo = t;
    let hi = t + 7 * DAY;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

/**
 * A cron field of the forms `*`, `*\/k`, `a`, `a-b`, `a-b/k` and lists of them, as a set. `a-b`
 * with a > b (no step) wraps around: a..max, then min..b (croniter's reading).
 */
export function cronField(text: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const [range = "", step = "1"] = item.split("/");
    const [a, b] =
      range === "*"
        ? [min, max]
        : range.includes("-")
          ? range.split("-").map(Number)
          : [Number(range), step === "1" ? Number(range) : max];
    if (a! > b!) {
      for (let v = a!; v <= max; v++) values.add(v);
      for (let v = min; v <= b!; v++) values.add(v);
      continue;
    }
    for (let v = a!; v <= b!; v += Number(step)) values.add(v);
  }
  return values;
}

/** A matcher for a 5-field cron expression in that subset; day-of-week 0 and 7 are Sunday. */
export function cronMatcher(expr: string, dayOr: boolean): (t: LocalTime) => boolean {
  const [mi = "", h = "", dom = "", mon = "", dow = ""] = expr.split(" ");
  const minutes = cronField(mi, 0, 59);
  const hours = cronField(h, 0, 23);
  const days = cronField(dom, 1, 31);
  const months = cronField(mon, 1, 12);
  const weekdays = new Set([...cronField(dow, 0, 7)].map((d) => d % 7));
  const domRestricted = dom !== "*";
  const dowRestricted = dow !== "*";
  return (t) => {
    if (!minutes.has(t.minute) || !hours.has(t.hour) || !months.has(t.month)) return false;
    const byDom = days.has(t.day);
    const byDow = weekdays.has(t.weekday);
    if (domRestricted && dowRestricted) return dayOr ? byDom || byDow : byDom && byDow;
    return (!domRestricted || byDom) && (!dowRestricted || byDow);
  };
}
