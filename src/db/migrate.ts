// Applies pending migrations at start with Ordo's own runner (src/db/migrations/): no Prisma CLI
// at run time, and Prisma Migrate's bookkeeping kept as it is, so `prisma migrate deploy/status`
// and Ordo agree on what a database has. A database that cannot be opened is named in words
// (open-failure.ts); a history Ordo must not start on is refused with Prisma's words.
import { isPostgresUrl } from "../config.js";
import { explained } from "./open-failure.js";
import { prepareSqliteFile, sqliteFilePath } from "./sqlite-file.js";
import { migrationsFolder, readMigrations } from "./migrations/folders.js";
import { MigrationHistoryError } from "./migrations/history.js";
import { migrateSqliteFile } from "./migrations/sqlite-runner.js";

export async function migrateDatabase(url: string): Promise<void> {
  const provider = isPostgresUrl(url) ? "postgresql" : "sqlite";
  const folder = migrationsFolder(provider);
  const migrations = readMigrations(folder);
  try {
    if (provider === "postgresql") {
      // loaded on demand: a SQLite server never loads the pg driver
      const { migratePostgres } = await import("./migrations/postgres-runner.js");
      await migratePostgres(url, migrations, folder);
      return;
    }
    // relative paths resolve as the server's own connection resolves them (prisma-client.ts): from
    // the working directory. Owner-only before SQLite creates it (sqlite-file.ts).
    prepareSqliteFile(url);
    const file = sqliteFilePath(url, process.cwd());
    // an in-memory database would be a new, empty one for the server's connection anyway
    if (file) migrateSqliteFile(file, migrations, folder);
  } catch (e) {
    if (e instanceof MigrationHistoryError) throw e;
    await explained(e, url);
  }
}
