// Parsers for option values shared by the command groups; each throws a CliError naming the flag.
import { CliError } from "./errors.js";
import { checkJsonIntake } from "./json-intake.js";

/** Repeatable option: `-t a -t b` → ["a", "b"]. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function positive(flag: string, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new CliError(`${flag} must be a positive ${integer ? "whole number" : "number"}, not "${value}"`);
    }
    return n;
  };
}

export function nonNegativeInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < 0)
      throw new CliError(`${flag} must be a whole number ≥ 0, not "${value}"`);
    return n;
  };
}

/** `key=value` → [key, value]; the value may itself contain "=". */
export function keyValue(flag: string, raw: string): [string, string] {
  const at = raw.indexOf("=");
  if (at <= 0) throw new CliError(`${flag} takes key=value, not "${raw}"`);
  return [raw.slice(0, at), raw.slice(at + 1)];
}

/** A JSON value given on the command line, with the flag named when it does not parse. */
export function parseJson(flag: string, raw: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new CliError(`${flag} is not valid JSON: ${(e as Error).message}`);
  }
  checkJsonIntake(value, flag);
  return value;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90", "90s", "10m", "2h", "1d" → seconds. */
export function parseDuration(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(raw.trim());
  if (!m) throw new CliError(`${flag} takes a duration like 30s, 10m, 2h or 1d, not "${raw}"`);
  return Number(m[1]) * UNIT_SECONDS[m[2] || "s"]!;
}
