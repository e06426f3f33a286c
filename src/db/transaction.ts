// Transaction and row-locking helpers that hide the two databases' differences.
import type { Database, Tx } from "./prisma-client.js";

/** Generous limits: on SQLite transactions queue behind one another (one writer at a time). */
const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 } as const;

export function inTransaction<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.client.$transaction(fn, TX_OPTIONS);
}

/**
 * Locks one flow run for the rest of the transaction; false when it does not exist.
 * PostgreSQL: SELECT … FOR UPDATE. SQLite: a no-op UPDATE, which takes the database write lock
 * now rather than at the first real write (so two processes cannot both read the old state).
 */
export async function lockFlowRun(db: Database, tx: Tx, id: string): Promise<boolean> {
  if (db.provider === "postgresql") {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "FlowRun" WHERE "id" = ${id} FOR UPDATE`;
    return rows.length > 0;
  }
  const n = await tx.$executeRaw`UPDATE "FlowRun" SET "id" = "id" WHERE "id" = ${id}`;
  return n > 0;
}

/** Prisma's unique-constraint violation (P2002), for insert-or-read-back races. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
