// PostgreSQL cannot store U+0000 in text or jsonb (SQLite can), so a NUL anywhere in an argument
// would surface as a masked internal error on one database and be stored on the other. Every field
// with arguments checks them first: BAD_USER_INPUT naming the field, on both databases.
// Type-only graphql import: the schema comes from Pothos's copy of graphql, which under vitest is
// not the one this module would load (isObjectType would throw "from another realm").
import type { GraphQLField, GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { BadUserInputError } from "../domain/errors.js";

/** The dotted path ("input.parameters.a", "logs[3].message") of the first string holding a NUL. */
export function findNul(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const [key, v] of Object.entries(value)) {
      const at = `${path}.${key.replaceAll("\u0000", "\\u0000")}`;
      if (key.includes("\u0000")) return at;
      const found = findNul(v, at);
      if (found) return found;
    }
  }
  return null;
}

function guarded<T extends GraphQLFieldResolver<unknown, unknown>>(inner: T): T {
  return ((source, args, context, info) => {
    for (const [name, value] of Object.entries(args as Record<string, unknown>)) {
      const field = findNul(value, name);
      if (field) throw new BadUserInputError(`${field} must not contain the NUL character (\\u0000)`, field);
    }
    return inner(source, args, context, info);
  }) as T;
}

/** Wraps resolve/subscribe of every field that takes arguments; returns the same schema. */
export function rejectNulInArguments(schema: GraphQLSchema): GraphQLSchema {
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
