// Times nextDates over 10,000 rrule schedules (next 100 days / 100 runs each) against the naive
// expansion Prefect #18861 suffered from: plain rrule.js between() walking from the 2020 DTSTART.
// Run: node --import tsx bench/schedules/rrule-expansion.ts [count]  (or call benchRRuleExpansion)
import { fileURLToPath } from "node:url";
import { nextDates } from "../../src/schedules/next-dates.js";
import { rrulestr } from "../../src/schedules/rrule-lib.js";
import { parseScheduleInput, pinSchedule, type RRuleDefinition } from "../../src/schedules/schedule-definition.js";

const NAIVE_BUDGET_MS = 30_000;
const DAY = 86_400_000;
const ZONES = ["UTC", "America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"];

// Deterministic pseudo-random numbers, so every run measures the same mix.
let seed = 42;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;

interface Case {
  category: string;
  def: RRuleDefinition;
  /** What a naive implementation iterates: the rule with its DTSTART, or 2020-01-01 when it has none. */
  naiveText: string;
}

const RULES: [category: string, weight: number, make: () => string][] = [
  ["daily", 30, () => `FREQ=DAILY;BYHOUR=${rnd(24)};BYMINUTE=${pick([0, 15, 30, 45])}`],
  ["weekly", 20, () => `FREQ=WEEKLY;BYDAY=${pick(["MO", "MO,WE,FR", "TU,TH", "SA"])};BYHOUR=${rnd(24)}`],
  ["hourly", 20, () => `FREQ=HOURLY;INTERVAL=${1 + rnd(6)};BYMINUTE=${rnd(60)}`],
  ["minutely", 15, () => `FREQ=MINUTELY;INTERVAL=${pick([5, 10, 15, 30])}`],
  ["monthly", 10, () => `FREQ=MONTHLY;BYMONTHDAY=${pick([1, 15, -1])};BYHOUR=${rnd(24)}`],
  ["daily+exdate", 5, () => `FREQ=DAILY;BYHOUR=9\nEXDATE:20261225T090000,20270101T090000`],
];

function makeCases(now: Date, count: number): Case[] {
  const total = RULES.reduce((sum, [, w]) => sum + w, 0);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd(total);
    const [category, , make] = RULES.find(([, w]) => (r -= w) < 0)!;
    const timezone = pick(ZONES);
    const rule = make();
    // A third each: no DTSTART (pinned on write, as the deployment service does), a recent
    // DTSTART, an old one (2015–2020) that expansion must fast-forward.
    const variant = i % 3;
    const year = variant === 1 ? 2026 : 2015 + rnd(6);
    const dtstart = `DTSTART;TZID=${timezone}:${year}0${1 + rnd(9)}1${rnd(10)}T0${rnd(10)}0000`;
    const text = variant === 0 ? rule : `${dtstart}\n${rule.startsWith("FREQ") ? "RRULE:" : ""}${rule}`;
    const def = pinSchedule(parseScheduleInput({ rrule: { rrule: text, timezone } }), now) as RRuleDefinition;
    const naiveText = variant === 0 ? `DTSTART:20200101T000000\nRRULE:${rule}` : text.replace(/;TZID=[^:]+/, "");
    cases.push({
      category: `${category}${variant === 2 ? " (old DTSTART)" : variant === 0 ? " (pinned)" : ""}`,
      def,
      naiveText,
    });
  }
  return cases;
}

function ours(cases: Case[], after: Date, before: Date): { ms: number; dates: number } {
  let dates = 0;
  const t0 = performance.now();
  for (const c of cases) dates += nextDates(c.def, { after, before, n: 100 }).length;
  return { ms: performance.now() - t0, dates };
}

// The naive baseline: rrule.js between() from the stored DTSTART, floating time (no TZID, which
// would only make it slower), stopped after 100 dates. Categories are sampled round-robin until
// the time budget is spent, then each category's mean is scaled to its count.
function naive(cases: Case[], after: Date, before: Date) {
  const byCategory = new Map<string, Case[]>();
  for (const c of cases) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  const spent = new Map<string, { n: number; ms: number }>([...byCategory.keys()].map((k) => [k, { n: 0, ms: 0 }]));
  const t0 = performance.now();
  for (let round = 0; ; round++) {
    let progressed = false;
    for (const [category, list] of byCategory) {
      const s = spent.get(category)!;
      if (round >= list.length || (round > 0 && performance.now() - t0 > NAIVE_BUDGET_MS)) continue;
      const t = performance.now();
      rrulestr(list[round]!.naiveText).between(after, before, true, (_, i) => i < 100);
      s.ms += performance.now() - t;
      s.n++;
      progressed = true;
    }
    if (!progressed) break;
  }
  let total = 0;
  let measured = 0;
  const rows: string[] = [];
  for (const [category, list] of byCategory) {
    const s = spent.get(category)!;
    const estimate = (s.ms / s.n) * list.length;
    total += estimate;
    measured += s.n;
    rows.push(
      `  ${category.padEnd(28)} ${String(list.length).padStart(5)} schedules  ${(s.ms / s.n).toFixed(2).padStart(10)} ms each (${s.n} measured)`,
    );
  }
  return { total, measured, rows, wall: performance.now() - t0 };
}

export async function benchRRuleExpansion(count = 10_000): Promise<void> {
  const now = new Date();
  const after = now;
  const before = new Date(now.getTime() + 100 * DAY);
  const cases = makeCases(now, count);
  ours(cases.slice(0, 200), after, before); // warm-up (JIT, luxon's Intl formatters, caches)
  const run = ours(cases, after, before);
  console.log(`nextDates: ${cases.length} rrule schedules, next 100 days / 100 runs each`);
  console.log(
    `  total ${run.ms.toFixed(0)} ms, ${((run.ms * 1000) / cases.length).toFixed(1)} µs per schedule, ${run.dates} dates`,
  );
  const base = naive(cases, after, before);
  const sampled = base.measured < cases.length;
  console.log(
    `naive rrule.js between() from the stored/2020 DTSTART${sampled ? ` (sampled: ${base.measured} of ${cases.length} measured in ${(base.wall / 1000).toFixed(1)} s, the rest extrapolated per category)` : ""}:`,
  );
  for (const row of base.rows) console.log(row);
  console.log(
    `  total ${sampled ? "≈" : ""}${base.total.toFixed(0)} ms, ${((base.total * 1000) / cases.length).toFixed(1)} µs per schedule`,
  );
  console.log(`ratio naive / nextDates: ${sampled ? "≈" : ""}${(base.total / run.ms).toFixed(1)}×`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchRRuleExpansion(Number(process.argv[2] ?? 10_000));
}
