// Builds the Prisma client for the configured database: better-sqlite3 adapter for `file:` URLs,
// pg adapter for postgresql:// URLs. The app is typed against the SQLite client; the PostgreSQL
// client is generated from the same model and cast at this boundary (stack-notes P12). Each is
// loaded only for its own database: a SQLite server never loads pg or the PostgreSQL client.
import { PrismaClient } from "../generated/prisma/client.js";
import { isPostgresUrl } from "../config.js";
import { explained } from "./open-failure.js";
import { prepareSqliteFile } from "./sqlite-file.js";
import { PostgresLikeSQLite3 } from "./sqlite-like.js";

export type Db = PrismaClient;
/** the client handed to a $transaction callback */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface Database {
  client: Db;
  provider: "sqlite" | "postgresql";
}

export async function createDatabase(url: string): Promise<Database> {
  if (isPostgresUrl(url)) {
    const [{ PrismaClient: PgPrismaClient }, { createPgAdapter }] = await Promise.all([
      import("../generated/prisma-pg/client.js"),
      import("./pg-adapter.js"),
    ]);
    const client = new PgPrismaClient({ adapter: createPgAdapter(url, { max: 10 }) }) as unknown as PrismaClient;
    // a server that is not there is named now, in words (open-failure.ts), not at the first use
    await client.$queryRawUnsafe("SELECT 1").catch((e: unknown) => explained(e, url));
    return { client, provider: "postgresql" };
  }
  // owner-only before the adapter creates it (0644) when ORDO_MIGRATE=false skipped migrate.ts
  try {
    prepareSqliteFile(url);
  } catch (e) {
    await explained(e, url);
  }
  // busy timeout: another process (a CLI, a second server) may hold the write lock briefly
  // LIKE as on PostgreSQL (case-sensitive, backslash escapes), so read filters match the same rows
  const client = new PrismaClient({ adapter: new PostgresLikeSQLite3({ url, timeout: 10_000 }) });
  // WAL lets readers proceed while a transition holds the write lock.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL").catch((e: unknown) => explained(e, url));
  await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  return { client, provider: "sqlite" };
}
