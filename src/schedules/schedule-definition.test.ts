import { describe, expect, it } from "vitest";
import { rrulestr } from "./rrule-lib.js";
import {
  canonicalScheduleJson,
  parseScheduleInput,
  pinSchedule,
  ScheduleInputError,
  scheduleKey,
  toScheduleDefinition,
  type ScheduleDefinition,
  type ScheduleInput,
} from "./schedule-definition.js";
import { SCHEDULE_LIMITS } from "./schedule-limits.js";

function inputError(input: ScheduleInput): ScheduleInputError {
  try {
    parseScheduleInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleInputError);
    const e = error as ScheduleInputError;
    expect(e.message).not.toContain("\n"); // one readable line, no stack
    expect(e.message).not.toMatch(/\bat .+:\d+:\d+/);
    return e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe("parseScheduleInput: which kind", () => {
  it.each<[string, ScheduleInput]>([
    ["none", {}],
    ["all null", { interval: null, cron: null, rrule: null }],
    ["two", { cron: { cron: "0 9 * * *" }, rrule: { rrule: "FREQ=DAILY" } }],
    ["three", { interval: { interval: 60 }, cron: { cron: "0 9 * * *" }, rrule: { rrule: "FREQ=DAILY" } }],
  ])("rejects %s with field ''", (_, input) => {
    const e = inputError(input);
    expect(e.field).toBe("");
    expect(e.message).toMatch(/Exactly one of interval, cron or rrule/);
  });

  it("names the kinds that were set", () => {
    expect(inputError({ cron: { cron: "0 9 * * *" }, rrule: { rrule: "FREQ=DAILY" } }).message).toContain(
      "cron and rrule",
    );
  });
});

describe("parseScheduleInput: interval", () => {
  it.each([
    0,
    -5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1e-9,
    0.999,
    SCHEDULE_LIMITS.maxIntervalSeconds + 1,
    1e12,
    1e308,
  ])("rejects interval %s", (interval) => {
    const e = inputError({ interval: { interval } });
    expect(e.field).toBe("interval.interval");
    expect(e.message).toContain(String(interval));
    expect(e.message).toContain("1 second to 100 years (3,155,760,000 seconds)");
  });

  it.each([SCHEDULE_LIMITS.minIntervalSeconds, SCHEDULE_LIMITS.maxIntervalSeconds])(
    "accepts the bound %s",
    (interval) => {
      expect(parseScheduleInput({ interval: { interval } })).toMatchObject({ kind: "interval", interval });
    },
  );

  it("rejects an invalid anchor date", () => {
    expect(inputError({ interval: { interval: 60, anchorDate: new Date("nope") } }).field).toBe("interval.anchorDate");
  });

  it("fills a stable anchor (2020-01-01 local midnight) and UTC", () => {
    expect(parseScheduleInput({ interval: { interval: 3600 } })).toEqual({
      kind: "interval",
      interval: 3600,
      anchorDate: "2020-01-01T00:00:00.000Z",
      timezone: "UTC",
    });
    expect(
      parseScheduleInput({ interval: { interval: 86400, anchorDate: null, timezone: "America/New_York" } }),
    ).toEqual({
      kind: "interval",
      interval: 86400,
      anchorDate: "2020-01-01T05:00:00.000Z",
      timezone: "America/New_York",
    });
  });

  it("keeps a given anchor as ISO UTC", () => {
    const def = parseScheduleInput({
      interval: { interval: 90.5, anchorDate: new Date("2024-03-10T07:30:00+02:00"), timezone: "Europe/Paris" },
    });
    expect(def).toEqual({
      kind: "interval",
      interval: 90.5,
      anchorDate: "2024-03-10T05:30:00.000Z",
      timezone: "Europe/Paris",
    });
  });
});

describe("parseScheduleInput: timezones", () => {
  it.each<[string, ScheduleInput]>([
    ["interval.timezone", { interval: { interval: 60, timezone: "Mars/Base" } }],
    ["cron.timezone", { cron: { cron: "0 9 * * *", timezone: "Mars/Base" } }],
    ["rrule.timezone", { rrule: { rrule: "FREQ=DAILY", timezone: "Mars/Base" } }],
  ])("rejects an unknown zone on %s", (field, input) => {
    const e = inputError(input);
    expect(e.field).toBe(field);
    expect(e.message).toBe('Unknown timezone "Mars/Base"');
  });

  it("rejects an empty or offset-style zone", () => {
    expect(inputError({ cron: { cron: "0 9 * * *", timezone: "" } }).field).toBe("cron.timezone");
    expect(inputError({ cron: { cron: "0 9 * * *", timezone: "+05:00" } }).field).toBe("cron.timezone");
  });
});

describe("parseScheduleInput: cron", () => {
  it.each<[string, RegExp]>([
    ["61 * * * *", /^Invalid cron expression "61 \* \* \* \*": .*61.*0-59/],
    ["* * *", /expected 5 fields .* got 3/],
    ["0 0 * * * * *", /got 7/],
    ["H * * * *", /hashed \(H\)/],
    ["H(0-29)/10 * * * *", /hashed \(H\)/],
    ["0 R * * *", /random \(R\)/],
    ["", /is empty/],
    ["   ", /is empty/],
    ["0 9 31 4 *", /day of month/],
    ["0 9 * * mon-xyz", /xyz/],
    ["@sometimes", /Invalid cron expression "@sometimes"/],
  ])("rejects %j", (cron, message) => {
    const e = inputError({ cron: { cron } });
    expect(e.field).toBe("cron.cron");
    expect(e.message).toMatch(message);
  });

  it("fills UTC and dayOr=true, and normalises whitespace", () => {
    expect(parseScheduleInput({ cron: { cron: "  0  9 * *\tMON-FRI ", dayOr: null } })).toEqual({
      kind: "cron",
      cron: "0 9 * * MON-FRI",
      timezone: "UTC",
      dayOr: true,
    });
  });

  it("accepts names that contain H/R letters, aliases and dayOr=false", () => {
    expect(parseScheduleInput({ cron: { cron: "0 9 * MAR,APR THU,FRI" } })).toMatchObject({
      cron: "0 9 * MAR,APR THU,FRI",
    });
    expect(parseScheduleInput({ cron: { cron: "@hourly" } })).toMatchObject({ cron: "@hourly" });
    expect(parseScheduleInput({ cron: { cron: "0 9 1 * 1", timezone: "Asia/Tokyo", dayOr: false } })).toEqual({
      kind: "cron",
      cron: "0 9 1 * 1",
      timezone: "Asia/Tokyo",
      dayOr: false,
    });
  });
});

describe("parseScheduleInput: rrule", () => {
  it.each<[string, string, RegExp]>([
    ["garbage", "garbage", /Unknown RRULE property/],
    ["a bad BYDAY", "FREQ=DAILY;BYDAY=XX", /not a valid RFC 5545/],
    ["no FREQ", "BYHOUR=9", /no FREQ/],
    ["COUNT=0", "FREQ=DAILY;COUNT=0", /COUNT=0 is out of range/],
    ["INTERVAL=0", "FREQ=DAILY;INTERVAL=0", /INTERVAL=0/],
    ["BYHOUR=25", "FREQ=DAILY;BYHOUR=25", /BYHOUR=25 is out of range \(expected 0\.\.23\)/],
    ["BYMONTHDAY=0", "FREQ=MONTHLY;BYMONTHDAY=0", /BYMONTHDAY=0/],
    ["February 30th", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", /never falls in BYMONTH=2/],
    ["an unreachable BYHOUR (rrule.js loops forever)", "FREQ=HOURLY;INTERVAL=24;BYHOUR=1", /never reached/],
    ["an unreachable BYMINUTE", "FREQ=MINUTELY;INTERVAL=60;BYMINUTE=5", /never reached/],
    [
      "UNTIL before DTSTART",
      "DTSTART:20240101T090000\nRRULE:FREQ=DAILY;UNTIL=20230101T000000",
      /UNTIL is before DTSTART/,
    ],
    ["only a DTSTART", "DTSTART:20240101T090000", /no RRULE, RDATE, EXRULE or EXDATE/],
    [
      "an unknown DTSTART zone",
      "DTSTART;TZID=Mars/Base:20240101T090000\nRRULE:FREQ=DAILY",
      /Unknown timezone "Mars\/Base"/,
    ],
    ["empty", "  ", /is empty/],
  ])("rejects %s", (_, rrule, message) => {
    const e = inputError({ rrule: { rrule } });
    expect(e.field).toBe("rrule.rrule");
    expect(e.message).toMatch(message);
  });

  it("rejects an rrule over 6500 characters, quoting only its start", () => {
    const rrule = "FREQ=DAILY;" + "BYHOUR=1;".repeat(730);
    expect(rrule.length).toBeGreaterThan(6500);
    const e = inputError({ rrule: { rrule } });
    expect(e.field).toBe("rrule.rrule");
    expect(e.message).toMatch(/6500/);
    expect(e.message.length).toBeLessThan(300);
  });

  it("rejects a timezone that contradicts the DTSTART TZID", () => {
    const e = inputError({
      rrule: { rrule: "DTSTART;TZID=Europe/Paris:20240101T090000\nRRULE:FREQ=DAILY", timezone: "UTC" },
    });
    expect(e.field).toBe("rrule.timezone");
  });

  it("stores the rule as written: no DTSTART injected, no pin, UTC filled, RRULE: name added", () => {
    const def = parseScheduleInput({ rrule: { rrule: " FREQ=DAILY;COUNT=3 " } });
    expect(def).toEqual({ kind: "rrule", rrule: "RRULE:FREQ=DAILY;COUNT=3", timezone: "UTC" });
    expect("dtstart" in def).toBe(false);
    expect(canonicalScheduleJson(def)).toBe(
      canonicalScheduleJson(parseScheduleInput({ rrule: { rrule: "RRULE:FREQ=DAILY;COUNT=3" } })),
    );
    expect(rrulestr((def as { rrule: string }).rrule).options.count).toBe(3);
  });

  it("validates against the 2020-01-01 origin, so checks do not depend on the day", () => {
    expect(inputError({ rrule: { rrule: "FREQ=DAILY;UNTIL=20190101T000000" } }).message).toMatch(
      /UNTIL is before DTSTART/,
    );
    expect(parseScheduleInput({ rrule: { rrule: "FREQ=DAILY;UNTIL=20210101T000000" } })).toMatchObject({
      kind: "rrule",
    });
    // Reachability is judged from the origin's phase (midnight), which the pin keeps.
    expect(parseScheduleInput({ rrule: { rrule: "FREQ=HOURLY;INTERVAL=24;BYHOUR=0" } })).toMatchObject({
      kind: "rrule",
    });
  });

  it("keeps an explicit DTSTART, normalises line endings, takes the zone from TZID", () => {
    expect(
      parseScheduleInput({
        rrule: {
          rrule: "DTSTART;TZID=America/New_York:20240101T090000\r\n RRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=9\r\n",
        },
      }),
    ).toEqual({
      kind: "rrule",
      rrule: "DTSTART;TZID=America/New_York:20240101T090000\nRRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=9",
      timezone: "America/New_York",
    });
    expect(
      parseScheduleInput({
        rrule: { rrule: "RRULE:FREQ=WEEKLY;BYDAY=MO\nEXDATE:20240108T000000", timezone: "Europe/Paris" },
      }),
    ).toEqual({
      kind: "rrule",
      rrule: "RRULE:FREQ=WEEKLY;BYDAY=MO\nEXDATE:20240108T000000",
      timezone: "Europe/Paris",
    });
  });
});

describe("canonicalScheduleJson and scheduleKey", () => {
  const cron = (c: string, timezone?: string) => parseScheduleInput({ cron: { cron: c, timezone } });

  it("orders keys the same way whatever the object's order", () => {
    const shuffled = { dayOr: true, timezone: "UTC", cron: "0 9 * * *", kind: "cron" } as ScheduleDefinition;
    expect(canonicalScheduleJson(shuffled)).toBe('{"kind":"cron","cron":"0 9 * * *","timezone":"UTC","dayOr":true}');
    expect(canonicalScheduleJson(shuffled)).toBe(canonicalScheduleJson(cron("0 9 * * *")));
  });

  it("gives the same key for the same input, including defaulted anchors", () => {
    expect(scheduleKey(null, cron("0 9 * * *"))).toMatch(/^def-[0-9a-f]{16}$/);
    expect(scheduleKey(null, cron("0 9 * * *"))).toBe(scheduleKey(undefined, cron("0  9 * * *")));
    const interval = () => parseScheduleInput({ interval: { interval: 600, timezone: "Europe/Paris" } });
    expect(scheduleKey(null, interval())).toBe(scheduleKey(null, interval()));
    const rrule = () => parseScheduleInput({ rrule: { rrule: "FREQ=MINUTELY;INTERVAL=15" } });
    expect(scheduleKey(null, rrule())).toBe(scheduleKey(null, rrule()));
  });

  it("changes with the timezone, the expression or the kind", () => {
    const base = scheduleKey(null, cron("0 9 * * *"));
    expect(scheduleKey(null, cron("0 9 * * *", "Europe/Paris"))).not.toBe(base);
    expect(scheduleKey(null, cron("0 10 * * *"))).not.toBe(base);
    const daily = (timezone: string) => parseScheduleInput({ rrule: { rrule: "FREQ=DAILY", timezone } });
    expect(scheduleKey(null, daily("UTC"))).not.toBe(scheduleKey(null, daily("Asia/Tokyo")));
  });

  it("leaves an rrule's pin out, so re-applying the same input later finds the stored schedule", () => {
    const input = { rrule: { rrule: "FREQ=MINUTELY;INTERVAL=7", timezone: "Europe/Paris" } };
    const stored = pinSchedule(parseScheduleInput(input), new Date("2026-01-05T10:00:00Z"));
    const reapplied = pinSchedule(parseScheduleInput(input), new Date("2026-01-05T10:09:00Z"));
    expect((stored as { dtstart?: string }).dtstart).not.toBe((reapplied as { dtstart?: string }).dtstart);
    // what the reconciler compares: the stored row read back vs the new input
    expect(canonicalScheduleJson(toScheduleDefinition(JSON.stringify(stored)))).toBe(canonicalScheduleJson(reapplied));
    expect(canonicalScheduleJson(stored)).not.toContain("dtstart");
    expect(scheduleKey(null, stored)).toBe(scheduleKey(null, reapplied));
    expect(scheduleKey(null, stored)).toBe(scheduleKey(null, parseScheduleInput(input)));
  });

  it("uses the slug when given", () => {
    expect(scheduleKey("nightly", cron("0 9 * * *"))).toBe("nightly");
    expect(scheduleKey("nightly", cron("0 10 * * *"))).toBe("nightly");
  });
});

describe("toScheduleDefinition", () => {
  it("reads back what was stored, as object or JSON text", () => {
    for (const def of [
      parseScheduleInput({ interval: { interval: 60 } }),
      parseScheduleInput({ cron: { cron: "0 9 * * *", dayOr: false } }),
      parseScheduleInput({ rrule: { rrule: "FREQ=DAILY" } }),
    ]) {
      const json = canonicalScheduleJson(def);
      expect(toScheduleDefinition(JSON.parse(json))).toEqual(def);
      expect(toScheduleDefinition(json)).toEqual(def);
    }
  });

  it("keeps an rrule's pin (stored next to the definition, outside its canonical JSON)", () => {
    const def = pinSchedule(parseScheduleInput({ rrule: { rrule: "FREQ=DAILY" } }), new Date("2026-03-04T05:06:07Z"));
    expect(toScheduleDefinition(JSON.stringify(def))).toEqual({
      kind: "rrule",
      rrule: "RRULE:FREQ=DAILY",
      timezone: "UTC",
      dtstart: "2026-03-04T00:00:00.000Z",
    });
    expect(toScheduleDefinition({ ...def, dtstart: null })).not.toHaveProperty("dtstart");
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["bad JSON", "{"],
    ["an array", []],
    ["an unknown kind", { kind: "weekly", timezone: "UTC" }],
    ["no timezone", { kind: "cron", cron: "0 9 * * *", dayOr: true }],
    ["a zero interval", { kind: "interval", interval: 0, anchorDate: "2020-01-01T00:00:00.000Z", timezone: "UTC" }],
    ["a bad anchor", { kind: "interval", interval: 5, anchorDate: "soon", timezone: "UTC" }],
    ["no dayOr", { kind: "cron", cron: "0 9 * * *", timezone: "UTC" }],
    ["no rrule", { kind: "rrule", timezone: "UTC" }],
    ["a bad pin", { kind: "rrule", rrule: "RRULE:FREQ=DAILY", timezone: "UTC", dtstart: "yesterday" }],
  ])("throws a plain Error on %s", (_, json) => {
    expect(() => toScheduleDefinition(json)).toThrow(Error);
    try {
      toScheduleDefinition(json);
    } catch (error) {
      expect(error).not.toBeInstanceOf(ScheduleInputError);
    }
  });
});
