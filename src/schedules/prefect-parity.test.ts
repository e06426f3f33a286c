// Schedule cases where Prefect's own behaviour (croniter, dateutil) is the spec: wrap-around cron
// ranges, six-field crons, rrules made only of exclusions, and the DTSTART clients can see.
// Prefect references: tests/server/schemas/test_schedules.py (TestCronSchedule,
// TestRRuleSchedule) and croniter's src/croniter/croniter.py `_expand` (the "low > high" branch).
import { describe, expect, it } from "vitest";
import { MAX_CANDIDATES, nextDates } from "./next-dates.js";
import { rruleDtstart } from "./pin-schedule.js";
import {
  parseScheduleInput,
  pinSchedule,
  ScheduleInputError,
  type RRuleDefinition,
  type ScheduleDefinition,
} from "./schedule-definition.js";

const at = (def: ScheduleDefinition, after: string, n: number, before?: string) =>
  nextDates(def, { after: new Date(after), n, before: before === undefined ? undefined : new Date(before) }).map((d) =>
    d.toISOString(),
  );
const cron = (expr: string, timezone = "UTC") => parseScheduleInput({ cron: { cron: expr, timezone } });
const rejected = (expr: string): ScheduleInputError => {
  try {
    parseScheduleInput({ cron: { cron: expr } });
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleInputError);
    expect((error as ScheduleInputError).field).toBe("cron.cron");
    return error as ScheduleInputError;
  }
  throw new Error(`expected ${expr} to be rejected`);
};

describe("cron: ranges that wrap around (croniter accepts them; cron-parser said 'Invalid range: 6-0')", () => {
  // Prefect: CronSchedule(cron="30 8 * * sat-sun") is valid (croniter.is_valid) and fires Sat and Sun.
  it("test_cron_schedule_wraparound_dow: 30 8 * * sat-sun fires on Saturdays and Sundays", () => {
    expect(at(cron("30 8 * * sat-sun"), "2026-01-01T00:00:00Z", 4)).toEqual([
      "2026-01-03T08:30:00.000Z",
      "2026-01-04T08:30:00.000Z",
      "2026-01-10T08:30:00.000Z",
      "2026-01-11T08:30:00.000Z",
    ]);
    expect(cron("30 8 * * SAT-SUN")).toMatchObject({ cron: "30 8 * * SAT-SUN" }); // stored as written
  });

  it("numeric 5-1 is Friday through Monday, as croniter expands it (5,6,0,1)", () => {
    expect(at(cron("0 9 * * 5-1"), "2026-01-01T00:00:00Z", 5).map((d) => new Date(d).getUTCDay())).toEqual([
      5, 6, 0, 1, 5,
    ]);
  });

  it("wraps in every field: hours 22-2, days 28-2, months nov-feb", () => {
    expect(at(cron("0 22-2 * * *"), "2026-01-01T20:00:00Z", 5)).toEqual(
      ["2026-01-01T22", "2026-01-01T23", "2026-01-02T00", "2026-01-02T01", "2026-01-02T02"].map(
        (h) => `${h}:00:00.000Z`,
      ),
    );
    expect(at(cron("0 0 28-2 * *"), "2026-02-27T00:00:00Z", 4)).toEqual(
      ["2026-02-28", "2026-03-01", "2026-03-02", "2026-03-28"].map((d) => `${d}T00:00:00.000Z`),
    );
    expect(at(cron("0 0 1 nov-feb *"), "2026-03-01T00:00:00Z", 4)).toEqual(
      ["2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01"].map((d) => `${d}T00:00:00.000Z`),
    );
  });

  it("in the schedule's zone, across DST, and with dayOr=false", () => {
    expect(at(cron("30 8 * * sat-sun", "Europe/Berlin"), "2026-03-27T00:00:00Z", 2)).toEqual([
      "2026-03-28T07:30:00.000Z",
      "2026-03-29T06:30:00.000Z",
    ]);
    // the 13th that falls on Fri..Mon, both day fields must match
    const and = parseScheduleInput({ cron: { cron: "0 9 13 * fri-mon", dayOr: false } });
    expect(at(and, "2026-01-01T00:00:00Z", 2)).toEqual(["2026-02-13T09:00:00.000Z", "2026-03-13T09:00:00.000Z"]);
  });

  it("refuses what croniter and classic cron read differently, naming the field", () => {
    expect(rejected("50-10/15 * * * *").message).toMatch(/minute range "50-10\/15" wraps around and has a step/);
    // croniter: a range with equal bounds is the whole cycle; classic cron: one value
    expect(rejected("0 9 * * fri-5").message).toMatch(/day-of-week range "fri-5" has equal bounds/);
    expect(rejected("0 9 1-1 * *").message).toMatch(/day-of-month range "1-1"/);
    // 0-7 is every day in both readings
    expect(at(cron("0 9 * * 0-7"), "2026-01-01T00:00:00Z", 7)).toHaveLength(7);
  });
});

describe("cron: six fields are refused, not guessed", () => {
  // croniter reads a sixth field as SECONDS at the end (second_at_beginning=False); cron-parser
  // reads the first as seconds, so "0 9 * * * MON" ran at 00:09, 01:09, … before.
  it("test_cron_schedule_six_fields: 0 9 * * * MON names the extra field and both readings", () => {
    const e = rejected("0 9 * * * MON");
    expect(e.message).toMatch(/6 fields; Ordo takes 5 \(minute hour day-of-month month day-of-week\)/);
    expect(e.message).toContain('sixth field "MON" as seconds');
    expect(rejected("0 9 * * * 30").message).toMatch(/6 fields/);
  });
});

describe("rrule: only exclusions (valid in Prefect, never fires)", () => {
  const window = { after: new Date("2026-01-01T00:00:00Z"), before: new Date("2036-01-01T00:00:00Z"), n: 100 };

  it.each([
    ["only an EXDATE", "EXDATE:20260105T090000"],
    ["DTSTART + EXDATE", "DTSTART:20260101T090000\nEXDATE:20260105T090000,20260106T090000"],
    [
      "DTSTART with TZID + EXDATE",
      "DTSTART;TZID=Europe/Berlin:20260101T090000\nEXDATE;TZID=Europe/Berlin:20260105T090000",
    ],
    ["only an EXRULE", "EXRULE:FREQ=MINUTELY"],
  ])("test_rrule_schedule_exdate_only (%s): accepted, produces no runs, returns at once", (_, rrule) => {
    const def = pinSchedule(parseScheduleInput({ rrule: { rrule } }), new Date("2026-03-01T00:00:00Z"));
    const started = performance.now();
    expect(nextDates(def, window)).toEqual([]);
    expect(nextDates(def, { after: window.after, n: MAX_CANDIDATES })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("a text with nothing but a DTSTART is still refused", () => {
    expect(() => parseScheduleInput({ rrule: { rrule: "DTSTART:20260101T090000" } })).toThrow(
      /no RRULE, RDATE, EXRULE or EXDATE/,
    );
  });
});

describe("rruleDtstart: the DTSTART expansion starts from, for clients", () => {
  it("is the pin for a rule written without DTSTART", () => {
    const def = pinSchedule(
      parseScheduleInput({ rrule: { rrule: "FREQ=DAILY;BYHOUR=9" } }),
      new Date("2026-03-01T12:34:00Z"),
    ) as RRuleDefinition;
    expect(def.dtstart).toBe("2026-03-01T00:00:00.000Z");
    expect(rruleDtstart(def)?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });

  it("is the text's own DTSTART, read in the schedule's zone", () => {
    const def = parseScheduleInput({
      rrule: { rrule: "DTSTART;TZID=America/New_York:20260110T090000\nRRULE:FREQ=WEEKLY" },
    }) as RRuleDefinition;
    expect(rruleDtstart(def)?.toISOString()).toBe("2026-01-10T14:00:00.000Z");
  });

  it("is null only for a rule stored before pinning", () => {
    expect(rruleDtstart({ kind: "rrule", rrule: "RRULE:FREQ=DAILY", timezone: "UTC" })).toBeNull();
  });
});
