// The database's identity: a random id stored once in it, the same for every replica that shares
// the database and different for any other database (it namespaces Redis channels).
import { randomUUID } from "node:crypto";
import type { Database } from "./prisma-client.js";

const KEY = "instance-id";

export async function databaseInstanceId(db: Database): Promise<string> {
  // insert-if-missing: replicas booting at once agree on whichever id was stored first
  try {
    const row = await db.client.configuration.upsert({
      where: { key: KEY },
      create: { key: KEY, value: randomUUID() },
      update: {},
    });
    return row.value;
  } catch (e) {
    // the upsert is not atomic: a replica that lost the insert race reads the winner's id
    if ((e as { code?: string }).code !== "P2002") throw e;
    return (await db.client.configuration.findUniqueOrThrow({ where: { key: KEY } })).value;
  }
}
