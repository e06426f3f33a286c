// ctx.db is read-only by type: each write below must fail to compile. tsc --noEmit checks the
// expected errors: a write method coming back on ReadOnlyDb makes its directive unused, an error.
import { expect, it } from "vitest";
import type { ReadOnlyDb } from "./context.js";

function writesThrough(db: ReadOnlyDb) {
  // @ts-expect-error create
  void db.flowRun.create;
  // @ts-expect-error createMany
  void db.log.createMany;
  // @ts-expect-error update
  void db.deployment.update;
  // @ts-expect-error updateMany
  void db.workQueue.updateMany;
  // @ts-expect-error upsert
  void db.flow.upsert;
  // @ts-expect-error delete
  void db.blockDocument.delete;
  // @ts-expect-error deleteMany
  void db.apiKey.deleteMany;
  // @ts-expect-error $executeRaw
  void db.$executeRaw;
  // @ts-expect-error $executeRawUnsafe
  void db.$executeRawUnsafe;
  // @ts-expect-error $transaction
  void db.$transaction;
  // reads stay
  return [
    db.flowRun.findMany,
    db.flowRun.findUnique,
    db.flowRun.count,
    db.deployment.findFirst,
    db.$queryRaw,
    db.$connect,
  ];
}

it("keeps the reads of the Prisma client and none of its writes", () => {
  expect(typeof writesThrough).toBe("function");
});
