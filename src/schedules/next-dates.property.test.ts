// Property tests: nextDates against an independent wall-clock oracle (Intl, minute by minute) in
// DST-heavy zones around their 2020–2030 transitions, plus invariants for every kind.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextDates } from "./next-dates.js";
import { parseScheduleInput, pinSchedule, type ScheduleDefinition } from "./schedule-definition.js";
import {
  cronMatcher,
  fieldsOf,
  localMs,
  transitions,
  wallClockFirings,
  type LocalTime,
} from "./testing/wall-clock-oracle.js";

const ZONES = [
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "America/Santiago",
  "Asia/Tehran",
  "Europe/Berlin",
  "America/Los_Angeles",
  "Australia/Sydney",
  "Pacific/Auckland",
  "America/Sao_Paulo",
  "Europe/Moscow",
  "Africa/Cairo",
  "Asia/Jerusalem",
  "America/Havana",
  "Pacific/Chatham",
  "America/St_Johns",
  "Europe/Dublin",
  "Asia/Beirut",
  "America/Mexico_City",
  "Atlantic/Azores",
  "Antarctica/Troll",
  "America/Asuncion",
];
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const RANGE = [Date.UTC(2020, 1, 1), Date.UTC(2030, 11, 1)] as const;
const zoneTransitions = new Map(ZONES.map((z) => [z, transitions(z, 2020, 2030)]));

/** A zone and a window [after, before) that often straddles one of its DST transitions. */
const windowArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    pick: fc.nat(),
    around: fc.integer({ min: -20 * 60, max: 6 * 60 }), // minutes from the transition
    seconds: fc.constantFrom(0, 0, 0, 1, 59.5),
    length: fc.integer({ min: 60, max: 30 * 60 }), // minutes
    randomInstant: fc.integer({ min: RANGE[0], max: RANGE[1] }),
  })
  .map(({ zone, pick, around, seconds, length, randomInstant }) => {
    const list = zoneTransitions.get(zone)!;
    const base = list.length ? list[pick % list.length]! : Math.floor(randomInstant / MIN) * MIN;
    const after = base + around * MIN + seconds * 1000;
    return { zone, after, before: after + length * MIN };
  });

/** The oracle's firings in [after, before), walking from a few hours earlier. */
function oracle(zone: string, after: number, before: number, matches: (t: LocalTime) => boolean): number[] {
  return wallClockFirings(zone, after - 3 * HOUR, before, matches).filter((t) => t >= after && t < before);
}

/** Bounded by `before`, and bounded only by n (whose part inside the window must be the same). */
function agree(
  def: ScheduleDefinition,
  w: { zone: string; after: number; before: number },
  n: number,
  matches: (t: LocalTime) => boolean,
) {
  const want = oracle(w.zone, w.after, w.before, matches)
    .slice(0, n)
    .map((t) => new Date(t).toISOString());
  const got = nextDates(def, { after: new Date(w.after), before: new Date(w.before), n }).map((d) => d.toISOString());
  expect(got).toEqual(want);
  const unbounded = nextDates(def, { after: new Date(w.after), n }).filter((d) => d.getTime() < w.before);
  expect(unbounded.map((d) => d.toISOString())).toEqual(want);
}

// PROPERTY_RUNS_SCALE=10 for a deeper local run; the default keeps the suite to a few seconds.
const SCALE = Number(process.env.PROPERTY_RUNS_SCALE ?? 1);
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE) });
const TIMEOUT = 30_000 * Math.max(1, SCALE);

const list = <T>(arb: fc.Arbitrary<T>, max: number) => fc.uniqueArray(arb, { minLength: 1, maxLength: max });
const cronPart = (min: number, max: number, steps: number[]) =>
  fc.oneof(
    fc.constant("*"),
    fc.constantFrom(...steps).map((k) => `*/${k}`),
    list(fc.integer({ min, max }), 3).map((v) => v.sort((a, b) => a - b).join(",")),
    // either order: a first bound past the second wraps around (croniter); equal bounds are refused
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)),
  );
// Minutes at most every 10, so a 30-hour window stays far below the candidate cap.
const cronArb = fc.record({
  minute: fc.oneof(
    list(fc.integer({ min: 0, max: 59 }), 3).map((v) => v.join(",")),
    fc.constantFrom("*/10", "*/15", "*/30", "0", "30"),
  ),
  hour: cronPart(0, 23, [2, 3, 6]),
  dom: fc.oneof(fc.constant("*"), fc.constant("*"), cronPart(1, 31, [2, 5])),
  dow: fc.oneof(fc.constant("*"), fc.constant("*"), cronPart(0, 6, [2]), fc.constant("7")),
  dayOr: fc.boolean(),
});

describe("nextDates agrees with the wall-clock oracle around DST transitions", () => {
  it("knows transitions in most zones (the windows are meant to straddle them)", () => {
    expect(ZONES.length).toBeGreaterThanOrEqual(20);
    expect(ZONES.filter((z) => zoneTransitions.get(z)!.length > 0).length).toBeGreaterThanOrEqual(17);
  });

  it(
    "cron",
    () => {
      fc.assert(
        fc.property(windowArb, cronArb, fc.integer({ min: 1, max: 60 }), (w, c, n) => {
          const expr = [c.minute, c.hour, c.dom, "*", c.dow].join(" ");
          agree(
            parseScheduleInput({ cron: { cron: expr, timezone: w.zone, dayOr: c.dayOr } }),
            w,
            n,
            cronMatcher(expr, c.dayOr),
          );
        }),
        runs(150),
      );
    },
    TIMEOUT,
  );

  it(
    "whole-day intervals keep the anchor's wall-clock time",
    () => {
      fc.assert(
        fc.property(
          windowArb,
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: RANGE[0] - 400 * DAY, max: RANGE[0] }),
          (w, days, anchorMs) => {
            const anchor = Math.floor(anchorMs / MIN) * MIN;
            const local = fieldsOf(localMs(w.zone, anchor));
            const def = parseScheduleInput({
              interval: { interval: days * 86_400, anchorDate: new Date(anchor), timezone: w.zone },
            });
            agree(
              def,
              w,
              50,
              (t) => (t.dayNumber - local.dayNumber) % days === 0 && t.hour === local.hour && t.minute === local.minute,
            );
          },
        ),
        runs(80),
      );
    },
    TIMEOUT,
  );

  it(
    "rrule DAILY/WEEKLY with BYHOUR/BYMINUTE (explicit DTSTART, pinned, or the 2020 origin)",
    () => {
      const ruleArb = fc.record({
        weekly: fc.boolean(),
        interval: fc.integer({ min: 1, max: 3 }),
        byday: list(fc.constantFrom(0, 1, 2, 3, 4, 5, 6), 4),
        byhour: list(fc.integer({ min: 0, max: 23 }), 3),
        byminute: list(fc.integer({ min: 0, max: 59 }), 2),
        start: fc.constantFrom("explicit", "pinned", "unpinned"),
        dtstartDay: fc.integer({ min: 17_000, max: 18_200 }), // 2016-07 … 2019-10
        pinBefore: fc.integer({ min: 0, max: 400 }),
      });
      const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
      fc.assert(
        fc.property(windowArb, ruleArb, fc.integer({ min: 1, max: 60 }), (w, r, n) => {
          const rule =
            `RRULE:FREQ=${r.weekly ? "WEEKLY;WKST=MO" : "DAILY"};INTERVAL=${r.interval}` +
            `${r.weekly ? `;BYDAY=${r.byday.map((d) => DAYS[d]).join(",")}` : ""};BYHOUR=${r.byhour.join(",")};BYMINUTE=${r.byminute.join(",")}`;
          const dtstart = new Date(r.dtstartDay * DAY).toISOString().slice(0, 10).replaceAll("-", "");
          const text = r.start === "explicit" ? `DTSTART;TZID=${w.zone}:${dtstart}T000000\n${rule}` : rule;
          let def = parseScheduleInput({ rrule: { rrule: text, timezone: w.zone } });
          if (r.start === "pinned")
            def = pinSchedule(def, new Date(Math.max(Date.UTC(2020, 0, 2), w.after - r.pinBefore * DAY)));
          const originDay = r.start === "explicit" ? r.dtstartDay : Date.UTC(2020, 0, 1) / DAY;
          const week = (day: number) => Math.floor((day + 3) / 7); // Monday-based weeks (1970-01-01 was a Thursday)
          const days = r.weekly ? r.byday : [new Date(originDay * DAY).getUTCDay()];
          agree(
            def,
            w,
            n,
            (t) =>
              (r.weekly
                ? (week(t.dayNumber) - week(originDay)) % r.interval === 0 && days.includes(t.weekday)
                : (t.dayNumber - originDay) % r.interval === 0) &&
              r.byhour.includes(t.hour) &&
              r.byminute.includes(t.minute),
          );
        }),
        runs(150),
      );
    },
    TIMEOUT,
  );

  it(
    "rrule HOURLY/MINUTELY with INTERVAL (and BYHOUR) keep their wall-clock phase",
    () => {
      const ruleArb = fc.record({
        minutely: fc.boolean(),
        interval: fc.integer({ min: 1, max: 13 }),
        byhour: fc.option(list(fc.integer({ min: 0, max: 23 }), 6), { nil: undefined }),
        start: fc.constantFrom("explicit", "pinned", "unpinned"),
        dtstartMinute: fc.integer({ min: 24_500_000, max: 26_200_000 }), // 2016 … 2019, minutes since 1970
      });
      fc.assert(
        fc.property(windowArb, ruleArb, fc.integer({ min: 1, max: 60 }), (w, r, n) => {
          const unit = r.minutely ? 1 : 60;
          const byhour = r.byhour === undefined || r.minutely === false ? undefined : r.byhour; // HOURLY+BYHOUR may be unreachable
          const rule = `RRULE:FREQ=${r.minutely ? "MINUTELY" : "HOURLY"};INTERVAL=${r.interval}${byhour ? `;BYHOUR=${byhour.join(",")}` : ""}`;
          const origin = r.start === "explicit" ? r.dtstartMinute * MIN : Date.UTC(2020, 0, 1);
          const stamp = new Date(origin).toISOString().replace(/[-:]/g, "").slice(0, 15);
          let def = parseScheduleInput({
            rrule: {
              rrule: r.start === "explicit" ? `DTSTART;TZID=${w.zone}:${stamp}\n${rule}` : rule,
              timezone: w.zone,
            },
          });
          if (r.start === "pinned") def = pinSchedule(def, new Date(w.after - 5 * DAY));
          const step = r.interval * unit * MIN;
          agree(def, w, n, (t) => {
            const floating = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
            return (floating - origin) % step === 0 && (!byhour || byhour.includes(t.hour));
          });
        }),
        runs(100),
      );
    },
    TIMEOUT,
  );

  it(
    "fixed intervals keep exact spacing on the anchor's grid",
    () => {
      fc.assert(
        fc.property(
          windowArb,
          fc.integer({ min: 1, max: 86_399 }),
          fc.integer({ min: RANGE[0] - 4000 * DAY, max: RANGE[1] + 4000 * DAY }),
          fc.integer({ min: 1, max: 50 }),
          (w, seconds, anchor, n) => {
            const def = parseScheduleInput({
              interval: { interval: seconds, anchorDate: new Date(anchor), timezone: w.zone },
            });
            const got = nextDates(def, { after: new Date(w.after), n }).map((d) => d.getTime());
            const step = seconds * 1000;
            expect(got).toHaveLength(n);
            expect(got[0]! - w.after).toBeGreaterThanOrEqual(0);
            expect(got[0]! - w.after).toBeLessThan(step);
            for (let i = 0; i < got.length; i++) {
              expect(Math.abs((got[i]! - anchor) % step)).toBe(0);
              if (i > 0) expect(got[i]! - got[i - 1]!).toBe(step);
            }
          },
        ),
        runs(200),
      );
    },
    TIMEOUT,
  );
});

describe("nextDates invariants, every kind", () => {
  const defArb = fc.oneof(
    fc
      .record({ s: fc.integer({ min: 1, max: 200_000 }), z: fc.constantFrom(...ZONES) })
      .map(({ s, z }) => parseScheduleInput({ interval: { interval: s, timezone: z } })),
    fc.tuple(cronArb, fc.constantFrom(...ZONES)).map(([c, z]) =>
      parseScheduleInput({
        cron: { cron: [c.minute, c.hour, c.dom, "*", c.dow].join(" "), timezone: z, dayOr: c.dayOr },
      }),
    ),
    fc
      .tuple(
        fc.constantFrom(
          "FREQ=HOURLY;INTERVAL=5",
          "FREQ=MINUTELY;INTERVAL=7",
          "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=2;BYMINUTE=30",
          "FREQ=MONTHLY;BYMONTHDAY=-1",
          "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;BYHOUR=1,2,3",
        ),
        fc.constantFrom(...ZONES),
      )
      .map(([rule, z]) => parseScheduleInput({ rrule: { rrule: rule, timezone: z } })),
  );
  it(
    "sorted, unique, >= after, < before, at most n",
    () => {
      fc.assert(
        fc.property(defArb, windowArb, fc.boolean(), fc.integer({ min: 0, max: 50 }), (def, w, bounded, n) => {
          const before = bounded ? w.before : undefined;
          const got = nextDates(def, {
            after: new Date(w.after),
            before: before === undefined ? undefined : new Date(before),
            n,
          }).map((d) => d.getTime());
          expect(got.length).toBeLessThanOrEqual(n);
          for (let i = 0; i < got.length; i++) {
            expect(got[i]!).toBeGreaterThanOrEqual(w.after);
            if (before !== undefined) expect(got[i]!).toBeLessThan(before);
            if (i > 0) expect(got[i]!).toBeGreaterThan(got[i - 1]!);
          }
        }),
        runs(150),
      );
    },
    TIMEOUT,
  );
});
