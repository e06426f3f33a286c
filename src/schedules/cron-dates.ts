// Dates of a cron schedule: cron-parser matches the fields in floating wall-clock time, luxon
// turns each match into an instant in the schedule's zone.
//
// Fields: 5 (minute hour day-of-month month day-of-week); input with 6 is refused (croniter and
// cron-parser disagree on where seconds go), rows stored before that read seconds FIRST. Ranges
// that wrap around (sat-sun, 22-2) match as croniter matches them (cron-syntax.ts). DST semantics (Prefect's, documented in its
// schedules concept page): each wall-clock match fires once. A match skipped by a spring-forward
// fires at the equivalent instant (02:30 on New York's spring-forward day → 03:30 EDT; an hourly
// job's 02:00 becomes 03:00 and merges with it). A match repeated by a fall-back fires at its first
// occurrence only, so an hourly job fires at 01:00 EDT then 02:00 EST (Prefect's "two-hour pause").
//
// Why floating time: cron-parser 5.10's own timezone handling fires wildcard-hour matches in both
// passes of a fall-back (01:00 EDT and 01:00 EST) and skips the whole day for a time inside
// Australia/Lord_Howe's 30-minute gap (`15 2 * * *` on 2024-10-06 → next day). In UTC it has no
// DST to get wrong; the zone work is luxon's (wall-clock.ts).
import { CronExpressionParser, type CronExpression } from "cron-parser";
import { toCronParserSyntax } from "./cron-syntax.js";
import { ForwardGuard } from "./forward-guard.js";
import { InstantCollector, type Window } from "./instant-collector.js";
import type { CronDefinition } from "./schedule-definition.js";
import { fromWallClock, searchEnd, searchStart } from "./wall-clock.js";

export function cronDates(def: CronDefinition, window: Window): Date[] {
  const collector = new InstantCollector(window);
  if (collector.done) return [];
  const start = searchStart(window.after.getTime(), def.timezone);
  const end = searchEnd(window.before?.getTime(), def.timezone);
  // next() is strictly after currentDate (whole seconds), so start 1 ms early to include `after`.
  const expression = parse(def.cron, new Date(start - 1));
  const matchesBothDays = def.dayOr ? null : andFilter(def.cron);
  // cron-parser's matches strictly increase; the guard turns a library regression into an error
  // instead of a spin, and caps the loop at MAX_CANDIDATES like the collector.
  const guard = new ForwardGuard("cron match");
  for (;;) {
    let floating: number;
    try {
      floating = expression.next().getTime();
    } catch {
      break; // cron-parser throws when no later match exists (its loop guard or year range)
    }
    if (floating > end) break;
    const within = guard.advance(floating);
    if (matchesBothDays && !matchesBothDays(floating)) {
      if (!collector.skip() || !within) break;
      continue;
    }
    const { instant, shifted } = fromWallClock(floating, def.timezone);
    if (!collector.push(instant, shifted) || !within) break;
  }
  return collector.result();
}

function parse(cron: string, currentDate: Date): CronExpression {
  return CronExpressionParser.parse(toCronParserSyntax(cron), { currentDate, tz: "UTC" });
}

/**
 * dayOr=false: day-of-month AND day-of-week must both match when both are restricted. cron-parser
 * only implements the classic OR, which yields a superset; each candidate is then checked against
 * the expression with only its day-of-month restricted and the one with only its day-of-week
 * restricted (cron-parser's includesDate, so L, W and # keep cron-parser's meaning). A field is
 * restricted unless it is exactly `*` or `?` (cron-parser's rule: `*\/2` is restricted).
 * Returns null when AND and OR cannot differ.
 */
function andFilter(cron: string): ((floating: number) => boolean) | null {
  if (cron.startsWith("@")) return null; // aliases never restrict both fields
  const fields = cron.split(" ");
  const dom = fields.length - 3;
  const dow = fields.length - 1;
  const wildcard = (v: string | undefined) => v === "*" || v === "?";
  if (wildcard(fields[dom]) || wildcard(fields[dow])) return null;
  const withWildcard = (index: number) => parse(fields.map((v, i) => (i === index ? "*" : v)).join(" "), new Date(0));
  const domOnly = withWildcard(dow);
  const dowOnly = withWildcard(dom);
  return (floating) => {
    const date = new Date(floating);
    return domOnly.includesDate(date) && dowOnly.includesDate(date);
  };
}
