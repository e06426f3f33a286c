// nextDates for interval and cron schedules: DST examples written out by hand, window and caps.
import { describe, expect, it } from "vitest";
import { MAX_CANDIDATES, nextDates } from "./next-dates.js";
import { parseScheduleInput, type ScheduleDefinition } from "./schedule-definition.js";

const NY = "America/New_York";
const LON = "Europe/London";
const iso = (s: string) => new Date(s).toISOString();
const at = (def: ScheduleDefinition, after: string, n: number, before?: string) =>
  nextDates(def, { after: new Date(after), n, before: before === undefined ? undefined : new Date(before) }).map((d) =>
    d.toISOString(),
  );
const interval = (seconds: number, anchor: string, timezone: string) =>
  parseScheduleInput({ interval: { interval: seconds, anchorDate: new Date(anchor), timezone } });
const cron = (expr: string, timezone = "UTC", dayOr?: boolean) =>
  parseScheduleInput({ cron: { cron: expr, timezone, dayOr } });

describe("interval", () => {
  it.each([
    // zone, anchor (daily 09:00), spring-forward day, fall-back day
    [
      NY,
      "2024-01-01T09:00:00-05:00",
      ["2024-03-09T09:00-05:00", "2024-03-10T09:00-04:00"],
      ["2024-11-02T09:00-04:00", "2024-11-03T09:00-05:00"],
    ],
    [
      LON,
      "2024-01-01T09:00:00Z",
      ["2024-03-30T09:00+00:00", "2024-03-31T09:00+01:00"],
      ["2024-10-26T09:00+01:00", "2024-10-27T09:00+00:00"],
    ],
  ])("daily in %s keeps 09:00 local across both transitions", (zone, anchor, spring, fall) => {
    const def = interval(86_400, anchor, zone);
    expect(at(def, spring[0]!, 2)).toEqual(spring.map(iso));
    expect(at(def, fall[0]!, 2)).toEqual(fall.map(iso));
  });

  it("daily at a skipped time fires at the equivalent instant that day only; a repeated time fires once, first", () => {
    expect(at(interval(86_400, "2024-01-01T02:30:00-05:00", NY), "2024-03-10T00:00-05:00", 2)).toEqual(
      ["2024-03-10T03:30-04:00", "2024-03-11T02:30-04:00"].map(iso),
    );
    expect(at(interval(86_400, "2024-01-01T01:30:00Z", LON), "2024-03-31T00:00Z", 2)).toEqual(
      ["2024-03-31T02:30+01:00", "2024-04-01T01:30+01:00"].map(iso),
    );
    expect(at(interval(86_400, "2024-01-01T01:30:00-05:00", NY), "2024-11-03T00:00-04:00", 2)).toEqual(
      ["2024-11-03T01:30-04:00", "2024-11-04T01:30-05:00"].map(iso),
    );
    expect(at(interval(86_400, "2024-01-01T01:30:00Z", LON), "2024-10-27T00:00+01:00", 2)).toEqual(
      ["2024-10-27T01:30+01:00", "2024-10-28T01:30+00:00"].map(iso),
    );
  });

  it("hourly keeps fixed spacing: a fall-back shows 01:00 twice, a spring-forward skips 02:00", () => {
    const ny = interval(3600, "2024-01-01T00:00:00-05:00", NY);
    expect(at(ny, "2024-03-10T00:00-05:00", 4)).toEqual(
      ["2024-03-10T00:00-05:00", "2024-03-10T01:00-05:00", "2024-03-10T03:00-04:00", "2024-03-10T04:00-04:00"].map(iso),
    );
    expect(at(ny, "2024-11-03T00:00-04:00", 4)).toEqual(
      ["2024-11-03T00:00-04:00", "2024-11-03T01:00-04:00", "2024-11-03T01:00-05:00", "2024-11-03T02:00-05:00"].map(iso),
    );
    const lon = interval(3600, "2024-01-01T00:00:00Z", LON);
    expect(at(lon, "2024-03-31T00:00Z", 3)).toEqual(
      ["2024-03-31T00:00+00:00", "2024-03-31T02:00+01:00", "2024-03-31T03:00+01:00"].map(iso),
    );
    expect(at(lon, "2024-10-27T00:00+01:00", 4)).toEqual(
      ["2024-10-27T00:00+01:00", "2024-10-27T01:00+01:00", "2024-10-27T01:00+00:00", "2024-10-27T02:00+00:00"].map(iso),
    );
  });

  it("more than a day: whole days on the wall clock, the remainder in absolute time, from the anchor", () => {
    const def = interval(1.5 * 86_400, "2024-03-08T09:00:00-05:00", NY);
    expect(at(def, "2024-03-08T09:00-05:00", 4)).toEqual(
      ["2024-03-08T09:00-05:00", "2024-03-09T21:00-05:00", "2024-03-11T09:00-04:00", "2024-03-12T21:00-04:00"].map(iso),
    );
  });

  it("computes the first date from the anchor arithmetically, anchors far in the past or future alike", () => {
    // 2026-06-01T00:00Z is 29,671,200 minutes after the epoch, ≡ 6 (mod 7): the next 7-minute mark is 00:01.
    expect(at(interval(7 * 60, "1970-01-01T00:00:00Z", "UTC"), "2026-06-01T00:00:00Z", 1)).toEqual([
      "2026-06-01T00:01:00.000Z",
    ]);
    expect(at(interval(90, "2100-01-01T00:00:10Z", "UTC"), "2026-06-01T00:00:00Z", 2)).toEqual([
      "2026-06-01T00:00:10.000Z",
      "2026-06-01T00:01:40.000Z",
    ]);
    expect(at(interval(86_400, "1990-07-01T09:00:00-04:00", NY), "2026-01-15T12:00:00Z", 1)).toEqual([
      iso("2026-01-15T09:00:00-05:00"),
    ]);
  });

  it("every minute over one hour: 60 dates, `after` inclusive and `before` exclusive (61 with one more ms)", () => {
    const def = interval(60, "2020-01-01T00:00:00Z", NY);
    const hour = at(def, "2024-11-03T05:00:00Z", 1000, "2024-11-03T06:00:00Z");
    expect(hour).toHaveLength(60);
    expect(hour[0]).toBe("2024-11-03T05:00:00.000Z");
    expect(hour[59]).toBe("2024-11-03T05:59:00.000Z");
    expect(at(def, "2024-11-03T05:00:00Z", 1000, "2024-11-03T06:00:00.001Z")).toHaveLength(61);
    expect(at(def, "2024-11-03T05:00:00.001Z", 1000, "2024-11-03T06:00:00.001Z")).toHaveLength(60);
  });
});

describe("cron", () => {
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
  ])(
    "30 2 * * * in %s: a skipped 02:30 fires at the equivalent instant",
    (zone, springAfter, spring, fallAfter, fall) => {
      expect(at(cron("30 2 * * *", zone), springAfter, 2)).toEqual(spring.map(iso));
      expect(at(cron("30 2 * * *", zone), fallAfter, 2)).toEqual(fall.map(iso));
    },
  );

  it("30 1 * * *: London's skipped 01:30 shifts to 02:30 BST; a repeated 01:30 fires once, at the first", () => {
    expect(at(cron("30 1 * * *", LON), "2024-03-31T00:00Z", 2)).toEqual(
      ["2024-03-31T02:30+01:00", "2024-04-01T01:30+01:00"].map(iso),
    );
    expect(at(cron("30 1 * * *", LON), "2024-10-27T00:00+01:00", 2)).toEqual(
      ["2024-10-27T01:30+01:00", "2024-10-28T01:30+00:00"].map(iso),
    );
    expect(at(cron("30 1 * * *", NY), "2024-11-03T00:00-04:00", 2)).toEqual(
      ["2024-11-03T01:30-04:00", "2024-11-04T01:30-05:00"].map(iso),
    );
  });

  it("0 * * * *: spring-forward merges the shifted 02:00 into 03:00; fall-back pauses two hours (Prefect)", () => {
    expect(at(cron("0 * * * *", NY), "2024-03-10T00:00-05:00", 4)).toEqual(
      ["2024-03-10T00:00-05:00", "2024-03-10T01:00-05:00", "2024-03-10T03:00-04:00", "2024-03-10T04:00-04:00"].map(iso),
    );
    expect(at(cron("0 * * * *", NY), "2024-11-03T00:00-04:00", 4)).toEqual(
      ["2024-11-03T00:00-04:00", "2024-11-03T01:00-04:00", "2024-11-03T02:00-05:00", "2024-11-03T03:00-05:00"].map(iso),
    );
    expect(at(cron("0 * * * *", LON), "2024-03-31T00:00Z", 3)).toEqual(
      ["2024-03-31T00:00+00:00", "2024-03-31T02:00+01:00", "2024-03-31T03:00+01:00"].map(iso),
    );
    expect(at(cron("0 * * * *", LON), "2024-10-27T00:00+01:00", 3)).toEqual(
      ["2024-10-27T00:00+01:00", "2024-10-27T01:00+01:00", "2024-10-27T02:00+00:00"].map(iso),
    );
  });

  it("corrects cron-parser's own zone handling: Lord Howe's 30-minute gap (it skips the whole day)", () => {
    expect(at(cron("15 2 * * *", "Australia/Lord_Howe"), "2024-10-05T12:00:00Z", 2)).toEqual(
      ["2024-10-06T02:45+11:00", "2024-10-07T02:15+11:00"].map(iso),
    );
  });

  it("every minute over an hour: 60 dates; over New York's repeated hour the second pass does not fire", () => {
    expect(at(cron("* * * * *", NY), "2024-07-01T10:00:00Z", 1000, "2024-07-01T11:00:00Z")).toHaveLength(60);
    expect(at(cron("* * * * *", NY), "2024-07-01T10:00:00Z", 1000, "2024-07-01T11:00:00.001Z")).toHaveLength(61);
    const repeated = at(cron("* * * * *", NY), "2024-11-03T01:00-04:00", 1000, "2024-11-03T02:00-05:00");
    expect(repeated).toHaveLength(60);
    expect(repeated[59]).toBe(iso("2024-11-03T01:59-04:00"));
  });

  it("after is inclusive, before exclusive, n limits", () => {
    expect(at(cron("0 9 * * *"), "2026-01-01T09:00:00Z", 2)).toEqual([
      "2026-01-01T09:00:00.000Z",
      "2026-01-02T09:00:00.000Z",
    ]);
    expect(at(cron("0 9 * * *"), "2026-01-01T09:00:00.001Z", 1)).toEqual(["2026-01-02T09:00:00.000Z"]);
    expect(at(cron("0 9 * * *"), "2026-01-01T00:00:00Z", 10, "2026-01-03T09:00:00Z")).toEqual([
      "2026-01-01T09:00:00.000Z",
      "2026-01-02T09:00:00.000Z",
    ]);
    expect(at(cron("0 9 * * *"), "2026-01-01T00:00:00Z", 0)).toEqual([]);
    expect(at(cron("0 9 * * *"), "2026-01-02T00:00:00Z", 5, "2026-01-01T00:00:00Z")).toEqual([]);
  });

  it("six fields stored before they were refused still put seconds first", () => {
    const stored: ScheduleDefinition = { kind: "cron", cron: "30 0 9 * * *", timezone: "UTC", dayOr: true };
    expect(at(stored, "2026-01-01T00:00:00Z", 1)).toEqual(["2026-01-01T09:00:30.000Z"]);
  });

  it("dayOr: day-of-month OR day-of-week by default, AND when false", () => {
    expect(at(cron("0 9 13 * 5"), "2026-01-01T00:00:00Z", 4)).toEqual(
      ["2026-01-02", "2026-01-09", "2026-01-13", "2026-01-16"].map((d) => `${d}T09:00:00.000Z`),
    );
    expect(at(cron("0 9 13 * 5", "UTC", false), "2026-01-01T00:00:00Z", 3)).toEqual(
      ["2026-02-13", "2026-03-13", "2026-11-13"].map((d) => `${d}T09:00:00.000Z`),
    );
    expect(at(cron("0 9 * * 5", "UTC", false), "2026-01-01T00:00:00Z", 1)).toEqual(["2026-01-02T09:00:00.000Z"]);
    // Feb 29 on a Monday: 2044 (about 140 candidates from the OR stream, within the cap).
    expect(at(cron("0 0 29 2 1", "UTC", false), "2026-01-01T00:00:00Z", 1)).toEqual(["2044-02-29T00:00:00.000Z"]);
  });

  it(`stops after ${MAX_CANDIDATES} candidates and returns what it found`, () => {
    // Every minute of a Friday the 13th: the OR stream offers 1,440 candidates a day.
    const def = cron("* * 13 * 5", "UTC", false);
    expect(at(def, "2026-01-01T00:00:00Z", 5)).toEqual([]);
    expect(at(def, "2026-02-13T00:00:00Z", 3)).toEqual([
      "2026-02-13T00:00:00.000Z",
      "2026-02-13T00:01:00.000Z",
      "2026-02-13T00:02:00.000Z",
    ]);
    expect(at(cron("* * * * *"), "2026-01-01T00:00:00Z", 5000)).toHaveLength(MAX_CANDIDATES);
  });
});
