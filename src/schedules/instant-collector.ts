// Gathers the instants a generator yields into nextDates' answer: window, dedupe, order, n and the
// candidate cap, including the one place results can arrive out of order (DST gap shifts).
import { ScheduleExpansionError } from "./forward-guard.js";
import { SCHEDULE_LIMITS } from "./schedule-limits.js";

/** At most this many candidates are examined per call (Prefect's MAX_ITERATIONS). */
export const MAX_CANDIDATES = SCHEDULE_LIMITS.maxCandidates;
/** The last instant a JavaScript Date can hold (ECMA-262: ±8.64e15 ms around the epoch). */
const MAX_DATE_MS = 8.64e15;

export interface Window {
  after: Date;
  before?: Date;
  n: number;
}

/**
 * Generators walk wall-clock time in order, so resolved instants come out non-decreasing except
 * for times shifted out of a spring-forward gap (02:30 → 03:30 may arrive before 03:00). A
 * non-shifted candidate at instant t therefore proves that every later candidate is >= t: results
 * up to t are final. Callers push candidates until push() returns false.
 */
export class InstantCollector {
  readonly #after: number;
  readonly #before: number;
  readonly #n: number;
  readonly #seen = new Set<number>();
  /** Accepted instants not yet known to be final (only gap-shifted ones wait here). */
  #pending: number[] = [];
  #final = 0;
  #examined = 0;
  #done: boolean;

  constructor(window: Window) {
    this.#after = window.after.getTime();
    this.#before = window.before ? window.before.getTime() : Number.POSITIVE_INFINITY;
    if (Number.isNaN(this.#after) || Number.isNaN(this.#before))
      throw new RangeError("nextDates: after/before is an invalid date");
    this.#n = Math.max(0, Math.floor(window.n));
    this.#done = this.#n === 0 || this.#after >= this.#before;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Examines one candidate; false once nothing more can change the answer. */
  push(instant: number, shifted = false): boolean {
    if (this.#done) return false;
    if (Number.isNaN(instant)) throw new ScheduleExpansionError("a candidate date is not a number");
    // dates past the Date range cannot be returned (nor can anything after them)
    if (instant > MAX_DATE_MS) {
      this.#done = true;
      return false;
    }
    this.#examined++;
    if (instant >= this.#after && instant < this.#before && !this.#seen.has(instant)) {
      this.#seen.add(instant);
      this.#pending.push(instant);
    }
    if (!shifted) {
      if (instant >= this.#before) this.#done = true;
      const still = this.#pending.filter((t) => t > instant);
      this.#final += this.#pending.length - still.length;
      this.#pending = still;
      if (this.#final >= this.#n) this.#done = true;
    }
    if (this.#examined >= MAX_CANDIDATES) this.#done = true;
    return !this.#done;
  }

  /** Examines a candidate that was rejected outright (it still counts against the cap). */
  skip(): boolean {
    if (this.#done) return false;
    if (++this.#examined >= MAX_CANDIDATES) this.#done = true;
    return !this.#done;
  }

  result(): Date[] {
    return [...this.#seen]
      .sort((a, b) => a - b)
      .slice(0, this.#n)
      .map((t) => new Date(t));
  }
}
