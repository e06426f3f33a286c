// The one entry point for date generation: the next instants of a stored schedule in a window.
import { cronDates } from "./cron-dates.js";
import { intervalDates } from "./interval-dates.js";
import { rruleDates } from "./rrule-dates.js";
import type { ScheduleDefinition } from "./schedule-definition.js";

export { MAX_CANDIDATES } from "./instant-collector.js";

/**
 * Sorted, unique instants `>= after` and `< before` (when given), at most `n`, examining at most
 * MAX_CANDIDATES candidates (fewer dates come back when the cap is hit: a sparse rule's tail or a
 * dayOr=false cron whose day fields rarely coincide). An rrule also walks at most MAX_PERIODS of
 * its periods (rrule-dates.ts), so a rule that never fires cannot stall the scheduler. Pure: same
 * input, same dates.
 *
 * DST, per kind (wall-clock.ts resolves local times):
 * - interval under a day: fixed spacing in absolute time, so across a fall-back two runs can both
 *   read 01:xx locally; a day or more: the whole days keep the wall-clock time, the remainder is
 *   absolute seconds.
 * - cron and rrule: wall-clock matches in the schedule's zone. A match skipped by a spring-forward
 *   fires at the equivalent instant (02:30 → 03:30 EDT); a repeated match fires once, at its first
 *   occurrence (hourly at a fall-back: 01:00 EDT, then 02:00 EST).
 * - the same instant reached twice (a shifted 02:00 and the real 03:00) is returned once.
 * Cron takes 5 fields (input with 6 is refused; rows stored before read seconds first), and a
 * range that wraps around (sat-sun, 22-2) covers the values to the field's end and from its start.
 */
export function nextDates(def: ScheduleDefinition, opts: { after: Date; before?: Date; n: number }): Date[] {
  switch (def.kind) {
    case "interval":
      return intervalDates(def, opts);
    case "cron":
      return cronDates(def, opts);
    case "rrule":
      return rruleDates(def, opts);
  }
}
