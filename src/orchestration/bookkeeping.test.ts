import { describe, expect, it } from "vitest";
import { bookkeeping, nextStateTimestamp, type RunBookkeeping } from "./bookkeeping.js";
import { defaultStateName, type RunPolicy, type StateType, type StateValue } from "./states.js";

const T0 = new Date("2024-06-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
type Timed = StateValue & { timestamp: Date };
const state = (type: StateType, seconds: number, over: Partial<StateValue> = {}): Timed => ({
  type,
  name: defaultStateName(type),
  details: {},
  timestamp: at(seconds),
  ...over,
});
const fresh: RunBookkeeping = {
  startTime: null,
  endTime: null,
  expectedStartTime: at(0),
  totalRunTime: 0,
  runCount: 0,
};
const book = (current: Timed | null, next: Timed, run: Partial<RunBookkeeping> = {}, policy: RunPolicy = {}) =>
  bookkeeping({ ...fresh, ...run }, current, next, policy);

describe("bookkeeping", () => {
  it("mirrors the new state on the run", () => {
    const patch = book(state("PENDING", 0), state("RUNNING", 5, { name: "Retrying" }));
    expect(patch).toMatchObject({ stateType: "RUNNING", stateName: "Retrying", stateTimestamp: at(5) });
  });

  it("sets startTime on the first RUNNING only", () => {
    expect(book(state("PENDING", 0), state("RUNNING", 5)).startTime).toEqual(at(5));
    expect(book(state("SCHEDULED", 0), state("RUNNING", 9), { startTime: at(5) }).startTime).toEqual(at(5));
    expect(book(state("SCHEDULED", 0), state("PENDING", 5)).startTime).toBeNull();
  });

  it("sets endTime on entering a terminal state, and startTime if the run never ran", () => {
    expect(book(state("RUNNING", 0), state("COMPLETED", 7), { startTime: at(0) })).toMatchObject({
      startTime: at(0),
      endTime: at(7),
    });
    expect(book(state("SCHEDULED", 0), state("CANCELLED", 3))).toMatchObject({ startTime: at(3), endTime: at(3) });
    expect(book(state("FAILED", 0), state("COMPLETED", 4), { endTime: at(0) }).endTime).toEqual(at(4));
  });

  it("clears endTime when a terminal run goes back to a non-terminal state", () => {
    const run = { startTime: at(0), endTime: at(1) };
    expect(book(state("FAILED", 1), state("SCHEDULED", 2), run).endTime).toBeNull();
    expect(book(state("CRASHED", 1), state("RUNNING", 2), run)).toMatchObject({ startTime: at(0), endTime: null });
  });

  it("adds the time spent in RUNNING when leaving it", () => {
    expect(book(state("RUNNING", 10), state("COMPLETED", 12.5), { totalRunTime: 3 }).totalRunTime).toBe(5.5);
    expect(book(state("RUNNING", 10), state("RUNNING", 11), { totalRunTime: 3 }).totalRunTime).toBe(4);
    expect(book(state("PAUSED", 10), state("RUNNING", 100), { totalRunTime: 3 }).totalRunTime).toBe(3);
  });

  it("sets expectedStartTime from the first state only", () => {
    expect(
      book(null, state("SCHEDULED", 0, { scheduledTime: at(60) }), { expectedStartTime: null }).expectedStartTime,
    ).toEqual(at(60));
    expect(book(null, state("PENDING", 2), { expectedStartTime: null }).expectedStartTime).toEqual(at(2));
    const later = book(state("SCHEDULED", 0), state("SCHEDULED", 5, { scheduledTime: at(90) }));
    expect(later.expectedStartTime).toEqual(at(0));
  });

  it("tracks nextScheduledStartTime only while SCHEDULED", () => {
    expect(book(state("FAILED", 0), state("SCHEDULED", 1, { scheduledTime: at(30) })).nextScheduledStartTime).toEqual(
      at(30),
    );
    expect(book(state("FAILED", 0), state("SCHEDULED", 1)).nextScheduledStartTime).toEqual(at(1));
    expect(
      book(state("SCHEDULED", 0, { scheduledTime: at(0) }), state("PENDING", 1)).nextScheduledStartTime,
    ).toBeNull();
  });

  it("counts a run each time it enters RUNNING, except when resuming or already running", () => {
    expect(book(state("PENDING", 0), state("RUNNING", 1), { runCount: 1 }).runCount).toBe(2);
    expect(book(state("PAUSED", 0), state("RUNNING", 1), { runCount: 1 }, { resuming: true }).runCount).toBe(1);
    expect(book(state("RUNNING", 0), state("RUNNING", 1), { runCount: 1 }).runCount).toBe(1);
    expect(book(state("RUNNING", 0), state("FAILED", 1), { runCount: 1 }).runCount).toBe(1);
  });

  it("clears resuming on RUNNING or a terminal state, keeps it otherwise, and keeps other policy", () => {
    const policy: RunPolicy = { resuming: true, retries: 2, pauseKeys: ["k"] };
    expect(book(state("PENDING", 0), state("RUNNING", 1), {}, policy).policy).toEqual({
      resuming: false,
      retries: 2,
      pauseKeys: ["k"],
    });
    expect(book(state("PAUSED", 0), state("CANCELLED", 1), {}, policy).policy.resuming).toBe(false);
    expect(book(state("PAUSED", 0), state("SCHEDULED", 1, { name: "Resuming" }), {}, policy).policy).toEqual(policy);
  });
});

describe("nextStateTimestamp", () => {
  it("uses now for a run's first state or when now is later", () => {
    expect(nextStateTimestamp(at(5), null)).toEqual(at(5));
    expect(nextStateTimestamp(at(5), { timestamp: at(4) })).toEqual(at(5));
  });
  it("stays 1 ms after the current state on a tie or clock skew", () => {
    expect(nextStateTimestamp(at(5), { timestamp: at(5) }).getTime()).toBe(at(5).getTime() + 1);
    expect(nextStateTimestamp(at(5), { timestamp: at(9) }).getTime()).toBe(at(9).getTime() + 1);
  });
});
