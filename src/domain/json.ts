// Small checks for JSON-shaped arguments that GraphQL's JSON scalar lets through unchecked.
import { BadUserInputError } from "./errors.js";
import { LIMITS } from "./limits.js";

export type JsonObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value must be a JSON object (or absent); names the field otherwise. */
export function requireObject(value: unknown, field: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new BadUserInputError(`${field} must be a JSON object`, field);
  return value;
}

/** Tags: non-empty strings, duplicates dropped, first occurrence's order kept; bounded (LIMITS). */
export function normalizeTags(tags: readonly string[] | null | undefined, field: string): string[] | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (tags.length > LIMITS.tagCount)
    throw new BadUserInputError(`${field} has ${tags.length} tags, more than the maximum ${LIMITS.tagCount}`, field);
  tags.forEach((t, i) => {
    if (t.trim() === "") throw new BadUserInputError(`${field}[${i}] must not be empty`, `${field}[${i}]`);
    if (t.length > LIMITS.tagLength) {
      throw new BadUserInputError(
        `${field}[${i}] must be at most ${LIMITS.tagLength} characters (got ${t.length})`,
        `${field}[${i}]`,
      );
    }
    if (t.includes("|")) throw new BadUserInputError(`${field}[${i}] must not contain "|"`, `${field}[${i}]`);
  });
  return [...new Set(tags)];
}

/** "|a|b|": lets a tag filter be a portable LIKE '%|a|%' on SQLite and PostgreSQL. */
export function tagsKey(tags: readonly string[]): string {
  return `|${tags.join("|")}${tags.length ? "|" : ""}`;
}

export function asStringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
