// Text no database stores faithfully is refused in every argument, before any resolver runs:
// U+0000 (PostgreSQL cannot store it in text or jsonb; SQLite can, so the two would differ) and
// lone UTF-16 surrogates ("\uD800": not Unicode, so not UTF-8; the engine's JSON encoding fails).
// BAD_USER_INPUT naming the field, on both databases, instead of a masked internal error.
// Type-only graphql import: the schema comes from Pothos's copy of graphql, which under vitest is
// not the one this module would load (isObjectType would throw "from another realm").
import type { GraphQLField, GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { BadUserInputError } from "../domain/errors.js";
import { LIMITS } from "../domain/limits.js";

// Walking stops here, so a 100,000-level document is refused instead of overflowing the stack;
// twice the JSON limit leaves room for input objects around a JSON value (the domain's intake then
// names the JSON field that is too deep).
const MAX_ARGUMENT_DEPTH = 2 * LIMITS.jsonDepth;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null when it can. */
function problem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain the NUL character (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "must be valid UTF-16 (it contains a lone surrogate, e.g. \\uD800)";
  return null;
}

/** A key as it can be shown in a path: without the characters that make it unstorable. */
function printable(key: string): string {
  return key
    .replaceAll("\u0000", "\\u0000")
    .replace(new RegExp(LONE_SURROGATE.source, "g"), (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The dotted path ("input.parameters.a", "logs[3].message") of the first unstorable string or key, and why. */
export function findBadText(value: unknown, path: string, depth = 1): { field: string; problem: string } | null {
  if (typeof value === "string") {
    const p = problem(value);
    return p ? { field: path, problem: p } : null;
  }
  if (typeof value === "object" && value !== null && depth > MAX_ARGUMENT_DEPTH) {
    return { field: path, problem: `nests objects and lists deeper than ${MAX_ARGUMENT_DEPTH} levels` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const [key, v] of Object.entries(value)) {
      const at = `${path}.${printable(key)}`;
      const p = problem(key);
      if (p) return { field: at, problem: `keys ${p}` };
      const found = findBadText(v, at, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

function guarded<T extends GraphQLFieldResolver<unknown, unknown>>(inner: T): T {
  return ((source, args, context, info) => {
    for (const [name, value] of Object.entries(args as Record<string, unknown>)) {
      const bad = findBadText(value, name);
      if (bad) throw new BadUserInputError(`${bad.field} ${bad.problem}`, bad.field);
    }
    return inner(source, args, context, info);
  }) as T;
}

/** Wraps resolve/subscribe of every field that takes arguments; returns the same schema. */
export function rejectUnstorableTextInArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !("getFields" in type) || typeof type.getFields !== "function") continue;
    for (const field of Object.values(type.getFields()) as Array<Partial<GraphQLField<unknown, unknown>>>) {
      if (!field.args?.length) continue; // input object fields have no args
      if (field.resolve) field.resolve = guarded(field.resolve);
      if (field.subscribe) field.subscribe = guarded(field.subscribe);
    }
  }
  return schema;
}
