// Reads cron text the way Prefect's croniter does where cron-parser reads it differently: a range
// whose first bound is past its second wraps around the field's cycle (sat-sun, 22-2, nov-feb).
// cron-parser refuses those ("Invalid range: 6-0"), so they are written out as lists before it
// sees them. Validation and date generation both go through here, so they cannot disagree.

/** A cron field that Ordo refuses, with the reason; the caller prefixes the expression. */
export class CronSyntaxProblem extends Error {}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIVE_FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too (croniter maps it to 0 before comparing the bounds)
  { name: "day-of-week", min: 0, max: 6, names: DAYS },
];
// Rows stored before six fields were refused read seconds first (cron-parser's order).
const SIX_FIELDS: readonly FieldSpec[] = [{ name: "second", min: 0, max: 59 }, ...FIVE_FIELDS];

const RANGE = /^([a-z0-9]+)-([a-z0-9]+)(?:\/(\d+))?$/i;

/**
 * The expression cron-parser must be given to match what croniter matches: wrap-around ranges
 * written out (`sat-sun` → `6,0`; `22-2` → `22,23,0,1,2`). Everything else is passed through for
 * cron-parser to accept or refuse. Throws CronSyntaxProblem for a wrap-around range with a step
 * (croniter's arithmetic for those skips one value too many when the step does not land on the
 * field's end, e.g. minutes 50-10/15 → 50,6 where the cycle gives 50,5: no reading is safe).
 */
export function toCronParserSyntax(cron: string): string {
  if (cron.startsWith("@")) return cron;
  const fields = cron.split(" ");
  const specs = fields.length === 6 ? SIX_FIELDS : fields.length === 5 ? FIVE_FIELDS : null;
  if (!specs) return cron;
  return fields
    .map((field, i) =>
      field
        .split(",")
        .map((element) => expandWrap(element, specs[i]!))
        .join(","),
    )
    .join(" ");
}

/**
 * A range whose bounds are equal (`5-5`, `sun-sun`): croniter reads it as the WHOLE cycle (every
 * value of the field), classic cron and cron-parser as the single value. Refused on input rather
 * than guessed; returns the message, or null when there is none.
 */
export function equalBoundsProblem(cron: string): string | null {
  if (cron.startsWith("@")) return null;
  const fields = cron.split(" ");
  const specs = fields.length === 5 ? FIVE_FIELDS : null;
  if (!specs) return null;
  for (const [i, field] of fields.entries()) {
    for (const element of field.split(",")) {
      // 7 is not aliased here: 0-7 is every day in both readings
      const bounds = rangeBounds(element, specs[i]!, false);
      if (bounds && bounds.low === bounds.high) {
        return `the ${specs[i]!.name} range ${JSON.stringify(element)} has equal bounds, which croniter (Prefect) reads as every ${specs[i]!.name} and classic cron as one value; write * or the single value`;
      }
    }
  }
  return null;
}

function expandWrap(element: string, spec: FieldSpec): string {
  const bounds = rangeBounds(element, spec);
  if (!bounds || bounds.low <= bounds.high) return element;
  if (bounds.step !== null) {
    throw new CronSyntaxProblem(
      `the ${spec.name} range ${JSON.stringify(element)} wraps around and has a step, which Ordo does not guess at (croniter counts such steps inconsistently); list the values instead`,
    );
  }
  const values: number[] = [];
  for (let v = bounds.low; v <= spec.max; v++) values.push(v);
  for (let v = spec.min; v <= bounds.high; v++) values.push(v);
  return values.join(",");
}

function rangeBounds(
  element: string,
  spec: FieldSpec,
  sundayAlias = true,
): { low: number; high: number; step: number | null } | null {
  const m = RANGE.exec(element);
  if (!m) return null;
  const low = bound(m[1]!, spec, sundayAlias);
  const high = bound(m[2]!, spec, sundayAlias);
  // out of range or unknown: cron-parser names the problem in its own words
  if (low === null || high === null) return null;
  return { low, high, step: m[3] === undefined ? null : Number(m[3]) };
}

function bound(text: string, spec: FieldSpec, sundayAlias: boolean): number | null {
  let value: number | undefined;
  if (/^\d+$/.test(text)) value = Number(text);
  else value = spec.names?.[text.toLowerCase()];
  if (value === undefined) return null;
  if (spec.names === DAYS && value === 7) return sundayAlias ? 0 : 7;
  return value >= spec.min && value <= spec.max ? value : null;
}
