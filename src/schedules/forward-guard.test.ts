// The candidate-loop guards: a generator that stops advancing, or drifts into NaN, ends its loop
// at once with a ScheduleExpansionError; loops are capped; stored intervals outside the bounds
// (written before validation had them) fail fast instead of spinning; the Date range ends a walk.
import { describe, expect, it } from "vitest";
import { ForwardGuard, ScheduleExpansionError } from "./forward-guard.js";
import { firstIndex } from "./interval-dates.js";
import { nextDates } from "./next-dates.js";
import type { IntervalDefinition } from "./schedule-definition.js";
import { SCHEDULE_LIMITS } from "./schedule-limits.js";

/** Runs a candidate loop the way the generators do: until the guard says stop. */
function drive(next: (i: number) => number, guard = new ForwardGuard("test position")): number {
  let steps = 0;
  while (guard.advance(next(steps))) steps++;
  return steps + 1;
}

describe("ForwardGuard", () => {
  it("stops a generator that does not progress, at its first repeated position", () => {
    // k++ beyond 2^53 leaves k unchanged: the float arithmetic that made the interval loop spin
    let k = 2 ** 53;
    let calls = 0;
    expect(() => drive(() => (calls++, k++))).toThrow(ScheduleExpansionError);
    expect(calls).toBe(2);
    // a tiny step on a large position does not move it either (anchor + k × 1e-6 ms)
    expect(() => drive((i) => 1.7e12 + i * 1e-6)).toThrow(/does not advance/);
  });

  it("stops a generator that goes backwards or yields NaN or Infinity", () => {
    expect(() => drive((i) => 10 - i)).toThrow(/does not advance/);
    expect(() => drive((i) => (i < 2 ? i : Number.NaN))).toThrow(/not a finite number/);
    expect(() => drive(() => Number.POSITIVE_INFINITY)).toThrow(ScheduleExpansionError);
  });

  it("caps the loop: false once maxSteps positions were accepted", () => {
    expect(drive((i) => i)).toBe(SCHEDULE_LIMITS.maxCandidates);
    expect(drive((i) => i, new ForwardGuard("x", 3))).toBe(3);
  });
});

describe("firstIndex (the interval's start-of-window correction)", () => {
  it("refuses an estimate beyond 2^53, where k - 1 === k", () => {
    expect(() => firstIndex(2 ** 60, () => true)).toThrow(/not a safe integer/);
    expect(() => firstIndex(Number.NaN, () => true)).toThrow(ScheduleExpansionError);
  });

  it("corrects by a few steps at most, whichever way", () => {
    expect(firstIndex(10, (k) => k >= 8)).toBe(8);
    expect(firstIndex(10, (k) => k >= 12)).toBe(12);
    expect(() => firstIndex(0, () => true)).toThrow(/do not converge/); // every earlier index also qualifies
    expect(() => firstIndex(0, () => false)).toThrow(/do not converge/);
  });
});

describe("nextDates on a stored interval outside the bounds", () => {
  const stored = (interval: number): IntervalDefinition => ({
    kind: "interval",
    interval,
    anchorDate: "2020-01-01T00:00:00.000Z",
    timezone: "UTC",
  });
  const window = { after: new Date("2026-06-01T00:00:00Z"), before: new Date("2026-09-09T00:00:00Z"), n: 100 };

  it.each([1e-9, 1e-6, 0.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e12, 1e308])(
    "%s seconds fails fast",
    (interval) => {
      const started = performance.now();
      expect(() => nextDates(stored(interval), window)).toThrow(ScheduleExpansionError);
      expect(performance.now() - started).toBeLessThan(1000); // the unguarded loop ran for minutes
    },
  );

  it("the bounds themselves expand", () => {
    expect(nextDates(stored(SCHEDULE_LIMITS.minIntervalSeconds), window)).toHaveLength(100);
    expect(
      nextDates(stored(SCHEDULE_LIMITS.maxIntervalSeconds), { after: window.after, n: 3 }).map((d) =>
        d.getUTCFullYear(),
      ),
    ).toEqual([2120, 2220, 2320]);
  });

  it("a walk that reaches the end of the Date range stops there with valid dates", () => {
    const def: IntervalDefinition = {
      ...stored(SCHEDULE_LIMITS.maxIntervalSeconds),
      anchorDate: "+270000-01-01T00:00:00.000Z",
    };
    const dates = nextDates(def, { after: new Date("+270000-01-01T00:00:00.000Z"), n: 1000 });
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.length).toBeLessThan(1000);
    expect(dates.every((d) => !Number.isNaN(d.getTime()))).toBe(true);
  });
});
