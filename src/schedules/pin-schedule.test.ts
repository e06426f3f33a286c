// pinSchedule: where the pin lands on each frequency's grid, and what it leaves alone.
import { describe, expect, it } from "vitest";
import { nextDates } from "./next-dates.js";
import {
  parseScheduleInput,
  pinSchedule,
  type RRuleDefinition,
  type ScheduleDefinition,
} from "./schedule-definition.js";

const MIN = 60_000;
const rrule = (text: string, timezone = "UTC") => parseScheduleInput({ rrule: { rrule: text, timezone } });
const pin = (def: ScheduleDefinition, now: string) => (pinSchedule(def, new Date(now)) as RRuleDefinition).dtstart;

describe("pinSchedule: the latest grid point <= now, grid anchored at 2020-01-01T00:00 local", () => {
  it("MINUTELY;INTERVAL=7 keeps its phase from 2020 (UTC and a zone at a fixed winter offset)", () => {
    const now = Date.parse("2026-01-15T12:00:30Z");
    const phase = (now - Date.UTC(2020, 0, 1)) % (7 * MIN);
    expect(pin(rrule("FREQ=MINUTELY;INTERVAL=7"), "2026-01-15T12:00:30Z")).toBe(new Date(now - phase).toISOString());
    // New York in January is UTC-5: wall clock 07:00:30, grid counted in wall-clock minutes.
    const wall = Date.UTC(2026, 0, 15, 7, 0, 30);
    const wallPin = wall - ((wall - Date.UTC(2020, 0, 1)) % (7 * MIN));
    expect(pin(rrule("FREQ=MINUTELY;INTERVAL=7", "America/New_York"), "2026-01-15T12:00:30Z")).toBe(
      new Date(wallPin + 5 * 60 * MIN).toISOString(),
    );
  });

  it("is on the grid of the unpinned rule, so it changes no date", () => {
    for (const [text, zone] of [
      ["FREQ=MINUTELY;INTERVAL=7", "America/New_York"],
      ["FREQ=HOURLY;INTERVAL=5", "Europe/London"],
      ["FREQ=SECONDLY;INTERVAL=45", "Australia/Lord_Howe"],
      ["FREQ=WEEKLY;INTERVAL=3;BYHOUR=9", "Asia/Tokyo"],
      ["FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=-1", "UTC"],
    ]) {
      const def = rrule(text!, zone);
      const pinned = pinSchedule(def, new Date("2026-07-15T10:20:30Z"));
      for (const after of ["2026-07-15T10:20:30Z", "2026-11-01T04:00:00Z", "2027-03-28T00:30:00Z"]) {
        const window = { after: new Date(after), n: 30 };
        expect(nextDates(pinned, window), `${text} ${zone} ${after}`).toEqual(nextDates(def, window));
      }
    }
  });

  it("DAILY pins local midnight; WEEKLY the Wednesday (2020-01-01's weekday); MONTHLY/YEARLY calendar units", () => {
    // 2026-07-10T03:00Z is 23:00 EDT on Thursday 9 July.
    expect(pin(rrule("FREQ=DAILY", "America/New_York"), "2026-07-10T03:00:00Z")).toBe("2026-07-09T04:00:00.000Z");
    expect(pin(rrule("FREQ=WEEKLY"), "2026-07-10T03:00:00Z")).toBe("2026-07-08T00:00:00.000Z");
    // 2026-07-08 is 340 weeks after 2020-01-01 (even), so INTERVAL=2 pins it too; INTERVAL=3 goes back to week 339.
    expect(pin(rrule("FREQ=WEEKLY;INTERVAL=2"), "2026-07-10T03:00:00Z")).toBe("2026-07-08T00:00:00.000Z");
    expect(pin(rrule("FREQ=WEEKLY;INTERVAL=3"), "2026-07-10T03:00:00Z")).toBe("2026-07-01T00:00:00.000Z");
    // 78 months from 2020-01 to 2026-07: INTERVAL=5 → month 75 = 2026-04.
    expect(pin(rrule("FREQ=MONTHLY;INTERVAL=5"), "2026-07-10T03:00:00Z")).toBe("2026-04-01T00:00:00.000Z");
    expect(pin(rrule("FREQ=YEARLY", "Asia/Tokyo"), "2026-07-10T03:00:00Z")).toBe("2025-12-31T15:00:00.000Z");
  });

  it("steps back over a grid point skipped by a spring-forward (it would read back as another time)", () => {
    // America/Santiago springs from 00:00 to 01:00 on 2024-09-08: that midnight does not exist.
    expect(pin(rrule("FREQ=DAILY", "America/Santiago"), "2024-09-08T12:00:00Z")).toBe("2024-09-07T04:00:00.000Z");
    // New York: 02:00 on 2024-03-10 does not exist; HOURLY;INTERVAL=2 pins 00:00 EST instead.
    expect(pin(rrule("FREQ=HOURLY;INTERVAL=2", "America/New_York"), "2024-03-10T07:30:00Z")).toBe(
      "2024-03-10T05:00:00.000Z",
    );
  });

  it("takes a step every rule of a set is in phase on (lcm), or the 2020 origin when there is none", () => {
    const set = "RRULE:FREQ=MINUTELY;INTERVAL=6\nEXRULE:FREQ=MINUTELY;INTERVAL=4";
    const p = Date.parse(pin(rrule(set), "2026-01-01T00:13:00Z")!);
    expect((p - Date.UTC(2020, 0, 1)) % (12 * MIN)).toBe(0);
    expect(pin(rrule("RRULE:FREQ=MONTHLY\nEXRULE:FREQ=MINUTELY;INTERVAL=7"), "2026-01-01T00:13:00Z")).toBe(
      "2020-01-01T00:00:00.000Z",
    );
    expect(pin(rrule("RDATE:20260101T090000"), "2026-01-01T00:13:00Z")).toBe("2020-01-01T00:00:00.000Z");
  });
});

describe("pinSchedule: leaves alone", () => {
  it("interval and cron schedules, rrules with a DTSTART or with a pin", () => {
    const now = new Date("2026-07-10T03:00:00Z");
    for (const def of [
      parseScheduleInput({ interval: { interval: 60 } }),
      parseScheduleInput({ cron: { cron: "0 9 * * *" } }),
      rrule("DTSTART:20240101T090000\nRRULE:FREQ=DAILY"),
      pinSchedule(rrule("FREQ=DAILY"), new Date("2025-01-01T12:00:00Z")),
    ]) {
      expect(pinSchedule(def, now)).toBe(def);
    }
  });
});
