// The bounds every schedule obeys, written once: input validation, the expansion guards and the
// GraphQL schema's descriptions all read them from here.

const YEAR_SECONDS = 365.25 * 86_400;

export const SCHEDULE_LIMITS = Object.freeze({
  /** Shortest interval, in seconds: far smaller steps stop moving the dates at all (1e-9 s hung the loop). */
  minIntervalSeconds: 1,
  /** Longest interval, in seconds: 100 years of 365.25 days (1,000 candidates from now stay inside JavaScript's Date range). */
  maxIntervalSeconds: 100 * YEAR_SECONDS,
  /** Candidates one expansion examines at most (Prefect's MAX_ITERATIONS; DESIGN invariant 4). */
  maxCandidates: 1000,
  /** Dates one previewSchedule call may ask for. */
  maxPreviewCount: 1000,
  /** Characters of an rrule text (Prefect's limit). */
  maxRRuleLength: 6500,
  /** rrule.js periods one expansion may walk (rrule-dates.ts: a rule that never fires). */
  maxRRulePeriods: 50_000,
});

/** "1 second to 100 years (3,155,760,000 seconds)": how messages and the schema state the interval bounds. */
export function intervalBoundsText(): string {
  const { minIntervalSeconds: min, maxIntervalSeconds: max } = SCHEDULE_LIMITS;
  const years = max / YEAR_SECONDS;
  return `${min} second${min === 1 ? "" : "s"} to ${years} years (${max.toLocaleString("en-US")} seconds)`;
}
