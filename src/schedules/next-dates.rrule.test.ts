// nextDates for rrule schedules: DST examples, RFC 5545 parts, fast-forwarding and the caps.
import { describe, expect, it } from "vitest";
import { MAX_CANDIDATES, nextDates } from "./next-dates.js";
import { MAX_PERIODS, rruleDates } from "./rrule-dates.js";
import { rrulestr } from "./rrule-lib.js";
import { parseScheduleInput, pinSchedule, type RRuleDefinition } from "./schedule-definition.js";

const NY = "America/New_York";
const LON = "Europe/London";
const iso = (s: string) => new Date(s).toISOString();
const rrule = (text: string, timezone?: string) =>
  parseScheduleInput({ rrule: { rrule: text, timezone } }) as RRuleDefinition;
const at = (def: RRuleDefinition, after: string, n: number, before?: string) =>
  nextDates(def, { after: new Date(after), n, before: before === undefined ? undefined : new Date(before) }).map((d) =>
    d.toISOString(),
  );

describe("rrule across DST (wall clock in the schedule's zone)", () => {
  it.each([
    [
      NY,
      "2024-03-10T00:00-05:00",
      ["2024-03-10T03:30-04:00", "2024-03-11T02:30-04:00"],
      "2024-11-03T00:00-04:00",
      ["2024-11-03T02:30-05:00", "2024-11-04T02:30-05:00"],
    ],
    [
      LON,
      "2024-03-31T00:00Z",
      ["2024-03-31T02:30+01:00", "2024-04-01T02:30+01:00"],
      "2024-10-27T00:00+01:00",
      ["2024-10-27T02:30+00:00", "2024-10-28T02:30+00:00"],
    ],
  ])("FREQ=DAILY;BYHOUR=2;BYMINUTE=30 in %s", (zone, springAfter, spring, fallAfter, fall) => {
    const def = rrule("FREQ=DAILY;BYHOUR=2;BYMINUTE=30", zone);
    expect(at(def, springAfter, 2)).toEqual(spring.map(iso));
    expect(at(def, fallAfter, 2)).toEqual(fall.map(iso));
  });

  it("FREQ=DAILY;BYHOUR=1;BYMINUTE=30 fires once on a fall-back, at the first 01:30", () => {
    expect(at(rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=30", NY), "2024-11-03T00:00-04:00", 2)).toEqual(
      ["2024-11-03T01:30-04:00", "2024-11-04T01:30-05:00"].map(iso),
    );
    expect(at(rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=30", LON), "2024-03-31T00:00Z", 1)).toEqual([
      iso("2024-03-31T02:30+01:00"),
    ]);
  });

  it("FREQ=HOURLY: the shifted hour merges on a spring-forward; the repeated hour fires once", () => {
    const ny = rrule("FREQ=HOURLY", NY);
    expect(at(ny, "2024-03-10T00:00-05:00", 4)).toEqual(
      ["2024-03-10T00:00-05:00", "2024-03-10T01:00-05:00", "2024-03-10T03:00-04:00", "2024-03-10T04:00-04:00"].map(iso),
    );
    expect(at(ny, "2024-11-03T00:00-04:00", 4)).toEqual(
      ["2024-11-03T00:00-04:00", "2024-11-03T01:00-04:00", "2024-11-03T02:00-05:00", "2024-11-03T03:00-05:00"].map(iso),
    );
    const lon = rrule("FREQ=HOURLY", LON);
    expect(at(lon, "2024-03-31T00:00Z", 3)).toEqual(
      ["2024-03-31T00:00+00:00", "2024-03-31T02:00+01:00", "2024-03-31T03:00+01:00"].map(iso),
    );
    expect(at(lon, "2024-10-27T00:00+01:00", 3)).toEqual(
      ["2024-10-27T00:00+01:00", "2024-10-27T01:00+01:00", "2024-10-27T02:00+00:00"].map(iso),
    );
  });

  it("reads DTSTART with TZID or Z, and UNTIL in Z, as instants on the zone's wall clock", () => {
    const tzid = rrule(`DTSTART;TZID=${NY}:20240101T090000\nRRULE:FREQ=DAILY;UNTIL=20240312T130000Z`);
    expect(tzid.timezone).toBe(NY);
    expect(at(tzid, "2024-03-09T00:00-05:00", 10)).toEqual(
      ["2024-03-09T09:00-05:00", "2024-03-10T09:00-04:00", "2024-03-11T09:00-04:00", "2024-03-12T09:00-04:00"].map(iso),
    );
    // 14:00Z is 09:00 EST: the rule then keeps 09:00 local, as a TZID would.
    expect(at(rrule("DTSTART:20240101T140000Z\nRRULE:FREQ=DAILY", NY), "2024-03-10T00:00-05:00", 1)).toEqual([
      iso("2024-03-10T09:00-04:00"),
    ]);
  });
});

describe("rrule: RFC 5545 parts", () => {
  const daily = "DTSTART:20260101T090000\nRRULE:FREQ=DAILY";

  it("honours EXDATE (floating or Z), RDATE (merged in order) and EXRULE", () => {
    expect(at(rrule(`${daily}\nEXDATE:20260103T090000,20260104T090000Z`), "2026-01-02T00:00:00Z", 3)).toEqual(
      ["2026-01-02", "2026-01-05", "2026-01-06"].map((d) => `${d}T09:00:00.000Z`),
    );
    expect(at(rrule(`${daily}\nRDATE:20260102T120000,20260101T000000`), "2026-01-01T00:00:00Z", 4)).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T09:00:00.000Z",
      "2026-01-02T09:00:00.000Z",
      "2026-01-02T12:00:00.000Z",
    ]);
    expect(at(rrule(`${daily}\nEXRULE:FREQ=WEEKLY;BYDAY=SA,SU`), "2026-01-02T00:00:00Z", 3)).toEqual(
      ["2026-01-02", "2026-01-05", "2026-01-06"].map((d) => `${d}T09:00:00.000Z`),
    );
  });

  it("an EXRULE with COUNT excludes just its COUNT dates", () => {
    expect(at(rrule(`${daily}\nEXRULE:FREQ=DAILY;COUNT=2`), "2026-01-01T00:00:00Z", 2)).toEqual(
      ["2026-01-03", "2026-01-04"].map((d) => `${d}T09:00:00.000Z`),
    );
  });

  it("orders a day's times whatever order BYHOUR lists them in (rrule.js keeps the written order)", () => {
    const def = rrule("DTSTART:20260101T000000\nRRULE:FREQ=DAILY;BYHOUR=17,9");
    expect(at(def, "2026-01-01T00:00:00Z", 3, "2026-01-01T12:00:00Z")).toEqual(["2026-01-01T09:00:00.000Z"]);
    expect(at(def, "2026-01-01T00:00:00Z", 3)).toEqual([
      "2026-01-01T09:00:00.000Z",
      "2026-01-01T17:00:00.000Z",
      "2026-01-02T09:00:00.000Z",
    ]);
  });

  it("merges several RRULEs in time order and stops at n", () => {
    const def = rrule("DTSTART:20260101T000000\nRRULE:FREQ=DAILY;BYHOUR=15\nRRULE:FREQ=DAILY;BYHOUR=9");
    expect(at(def, "2026-01-01T10:00:00Z", 3)).toEqual([
      "2026-01-01T15:00:00.000Z",
      "2026-01-02T09:00:00.000Z",
      "2026-01-02T15:00:00.000Z",
    ]);
  });

  it("returns fewer dates once COUNT is exhausted", () => {
    expect(at(rrule("DTSTART:20260101T090000\nRRULE:FREQ=DAILY;COUNT=5"), "2026-01-03T00:00:00Z", 10)).toEqual(
      ["2026-01-03", "2026-01-04", "2026-01-05"].map((d) => `${d}T09:00:00.000Z`),
    );
  });

  it("finds sparse dates (BYMONTH=2;BYMONTHDAY=29 yearly)", () => {
    expect(at(rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"), "2026-01-01T00:00:00Z", 3)).toEqual(
      ["2028-02-29", "2032-02-29", "2036-02-29"].map((d) => `${d}T00:00:00.000Z`),
    );
  });
});

describe("rrule: DTSTART pin and fast-forward", () => {
  it("a pinned MINUTELY;INTERVAL=7 keeps its 2020 phase and matches the unpinned rule", () => {
    const def = rrule("FREQ=MINUTELY;INTERVAL=7", "Europe/Berlin");
    const pinned = pinSchedule(def, new Date("2026-08-01T12:00:00Z")) as RRuleDefinition;
    const dates = nextDates(pinned, { after: new Date("2026-08-01T12:00:00Z"), n: 5 });
    // Berlin in August is UTC+2; 2020-01-01T00:00 local is the grid's origin.
    for (const d of dates) expect((d.getTime() + 2 * 3_600_000 - Date.UTC(2020, 0, 1)) % 420_000).toBe(0);
    expect(dates[0]!.getTime() - Date.parse("2026-08-01T12:00:00Z")).toBeLessThan(420_000);
    expect(nextDates(def, { after: new Date("2026-08-01T12:00:00Z"), n: 5 })).toEqual(dates);
  });

  it("a far-past DTSTART gives what plain rrule.js gives walking from it (UTC, no DST)", () => {
    for (const text of [
      "DTSTART:20150317T103000\nRRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR",
      "DTSTART:20150317T103000\nRRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU,SA;BYSETPOS=2",
      "DTSTART:20150131T090000\nRRULE:FREQ=MONTHLY",
      "DTSTART:20150131T090000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
      "DTSTART:20160229T120000\nRRULE:FREQ=YEARLY",
      "DTSTART:20150601T000000\nRRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=1,7;BYMONTHDAY=1,15;BYHOUR=8,20",
      "DTSTART:20150601T000000\nRRULE:FREQ=YEARLY;BYWEEKNO=1,20,53;BYDAY=MO",
      "DTSTART:20150601T013700\nRRULE:FREQ=HOURLY;INTERVAL=5",
      "DTSTART:20150601T013712\nRRULE:FREQ=SECONDLY;INTERVAL=7777;BYDAY=TU",
      "DTSTART:20150601T013712\nRRULE:FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE;BYHOUR=1,13;BYMINUTE=0,30",
      "DTSTART:20150601T000000\nRRULE:FREQ=MONTHLY;INTERVAL=7;BYMONTHDAY=31,-1;BYHOUR=6",
    ]) {
      for (const after of ["2025-03-04T10:17:00Z", "2028-02-29T12:00:00Z"]) {
        const expected: string[] = [];
        rrulestr(text).all((d) => (d >= new Date(after) && expected.push(d.toISOString()), expected.length < 12));
        expect(at(rrule(text), after, 12), `${text} from ${after}`).toEqual(expected);
      }
    }
  });

  it("keeps INTERVAL's phase where rrule.js loses it (MINUTELY with BYHOUR skips hour by hour)", () => {
    const dtstart = Date.UTC(2015, 5, 1, 1, 37, 12);
    const dates = nextDates(rrule("DTSTART:20150601T013712\nRRULE:FREQ=MINUTELY;INTERVAL=13;BYHOUR=9,10"), {
      after: new Date("2025-03-04T10:17:00Z"),
      n: 20,
    });
    expect(dates).toHaveLength(20);
    for (const d of dates) {
      expect((d.getTime() - dtstart) % (13 * 60_000)).toBe(0);
      expect([9, 10]).toContain(d.getUTCHours());
    }
  });
});

describe("rrule: bounded work", () => {
  it(`a rule that never fires stops after ${MAX_PERIODS} periods instead of walking to year 9999`, () => {
    const budget = { periods: 0, max: MAX_PERIODS };
    const def = rrule("FREQ=DAILY;BYYEARDAY=366;BYMONTH=1");
    expect(rruleDates(def, { after: new Date("2026-01-01T00:00:00Z"), n: 5 }, budget)).toEqual([]);
    // If rrule.js ever stops reading INTERVAL the way the budget relies on, this fails (or hangs).
    expect(budget.periods).toBe(MAX_PERIODS + 1);
  });

  it(`examines at most ${MAX_CANDIDATES} candidates`, () => {
    expect(at(rrule("FREQ=MINUTELY"), "2026-01-01T00:00:00Z", 5000)).toHaveLength(MAX_CANDIDATES);
    // Every candidate excluded: returns nothing, promptly.
    expect(at(rrule("RRULE:FREQ=MINUTELY\nEXRULE:FREQ=MINUTELY"), "2026-01-01T00:00:00Z", 5)).toEqual([]);
  });
});
