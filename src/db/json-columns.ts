// Writing JSON columns: Prisma refuses a plain null for a nullable Json column and wants DbNull
// (both generated clients share the runtime, so one DbNull serves SQLite and PostgreSQL).
import { Prisma } from "../generated/prisma/client.js";

/** undefined = leave unchanged, null = SQL NULL, anything else = the JSON document */
export function nullableJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull | undefined {
  if (value === undefined) return undefined;
  if (value === null) return Prisma.DbNull;
  return value as Prisma.InputJsonValue;
}

export function json(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}
