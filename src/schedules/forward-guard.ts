// Keeps a date generator's candidate loop from spinning: every candidate must lie strictly after
// the previous one (the loop makes progress) and the loop ends after a fixed number of steps.
// A float step too small to move a date (`k + 1 === k`, an interval of 1e-9 s) or one that turns
// dates into NaN (1e308 s) would otherwise loop for minutes or forever.
import { SCHEDULE_LIMITS } from "./schedule-limits.js";

/** A schedule whose expansion cannot make progress: a stored definition outside the bounds, or a generator defect. */
export class ScheduleExpansionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleExpansionError";
  }
}

export class ForwardGuard {
  #last = Number.NEGATIVE_INFINITY;
  #steps = 0;

  /** `what` names the position in messages ("interval index", "cron match"…). */
  constructor(
    private readonly what: string,
    private readonly maxSteps: number = SCHEDULE_LIMITS.maxCandidates,
  ) {}

  /**
   * Accepts the loop's next position (any strictly increasing coordinate: an index, floating
   * milliseconds); throws when it does not move forward or is not a finite number, and answers
   * false once maxSteps positions have been accepted (the caller stops there).
   */
  advance(position: number): boolean {
    if (!Number.isFinite(position))
      throw new ScheduleExpansionError(`${this.what} is not a finite number (${position})`);
    if (position <= this.#last)
      throw new ScheduleExpansionError(`${this.what} does not advance (${position} after ${this.#last})`);
    this.#last = position;
    return ++this.#steps < this.maxSteps;
  }
}
