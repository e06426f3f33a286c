// Flows are created on first reference (by a deployment or a run), never explicitly.
import type { Tx } from "../../db/prisma-client.js";

/**
 * An upsert rather than find-then-create: Prisma runs it as one INSERT … ON CONFLICT, so two
 * transactions naming a new flow at once cannot fail (a caught unique violation would abort a
 * PostgreSQL transaction).
 */
export function ensureFlow(tx: Tx, name: string, now: Date): Promise<{ id: string; name: string }> {
  return tx.flow.upsert({
    where: { name },
    create: { name, created: now, updated: now },
    update: {},
    select: { id: true, name: true },
  });
}
