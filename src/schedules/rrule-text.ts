// Reads a stored RFC 5545 text into the parts expansion needs, every date as floating wall-clock
// time in the schedule's timezone (rrule.js iterates in floating time; its own TZID support
// converts through the HOST's zone and breaks near transitions: rrule.js #233, #295, #390).
import type { Options } from "rrule";
import { RRule } from "./rrule-lib.js";
import { fromWallClock, toWallClock } from "./wall-clock.js";

export interface RRuleParts {
  /** DTSTART written in the text (floating), or null. */
  dtstart: number | null;
  /** RRULE lines without DTSTART/TZID; UNTIL is floating. */
  rrules: Partial<Options>[];
  exrules: Partial<Options>[];
  rdates: number[];
  exdates: number[];
}

// Bounded: the scheduler expands the same few thousand texts every pass.
const MAX_CACHED = 5000;
const cache = new Map<string, RRuleParts>();

/**
 * Dates are read RFC 5545's way: a value ending in Z is a UTC instant, shown on the schedule's wall
 * clock; a TZID other than the schedule's is converted; a floating value is wall-clock in the
 * schedule's zone. (Prefect instead replaces every tzinfo by the schedule's zone, keeping the digits;
 * the two agree for floating values and for the TZID that parsing requires to match the zone.)
 * Lines are split on whitespace, as rrulestr does when validating.
 */
export function parseRRuleText(text: string, zone: string): RRuleParts {
  const key = `${zone}\n${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parts: RRuleParts = { dtstart: null, rrules: [], exrules: [], rdates: [], exdates: [] };
  for (const line of text.split(/\s+/).filter(Boolean)) {
    const colon = line.indexOf(":");
    const head = colon < 0 ? "RRULE" : line.slice(0, colon);
    const value = colon < 0 ? line : line.slice(colon + 1);
    const [rawName = "", ...params] = head.split(";");
    const tz = params.find((p) => /^TZID=/i.test(p))?.slice(5) ?? null;
    switch (rawName.toUpperCase()) {
      case "DTSTART":
        parts.dtstart = readDate(value, tz, zone);
        break;
      case "RRULE":
        parts.rrules.push(readRule(value, zone));
        break;
      case "EXRULE":
        parts.exrules.push(readRule(value, zone));
        break;
      case "RDATE":
        parts.rdates.push(...value.split(",").map((v) => readDate(v, tz, zone)));
        break;
      case "EXDATE":
        parts.exdates.push(...value.split(",").map((v) => readDate(v, tz, zone)));
        break;
      default:
        throw new Error(`Stored rrule has an unsupported line ${JSON.stringify(line.slice(0, 40))}`);
    }
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, parts);
  return parts;
}

function readRule(value: string, zone: string): Partial<Options> {
  const options = RRule.parseString(value);
  delete options.dtstart; // the set's DTSTART (or the pin) applies to every rule
  delete options.tzid;
  const until = /(?:^|;)UNTIL=([0-9TZ]+)/i.exec(value)?.[1];
  if (until) options.until = new Date(readDate(until, null, zone));
  return options;
}

function readDate(value: string, tzid: string | null, zone: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z?)$/i.exec(value.trim());
  if (!m) throw new Error(`Stored rrule has an unreadable date ${JSON.stringify(value.slice(0, 40))}`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", z] = m;
  const fields = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (z) return toWallClock(fields, zone);
  if (tzid !== null && tzid !== zone) return toWallClock(fromWallClock(fields, tzid).instant, zone);
  return fields;
}
