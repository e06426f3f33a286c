// Shared by the migration runner's tests: Prisma's own CLI as the reference, checksums, an edited
// and a broken migration.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { PACKAGE_ROOT } from "../../installation.js";
import type { LocalMigration } from "./folders.js";

/** `prisma migrate deploy` as migrate.ts ran it before (and developers still do). */
export function prismaMigrateDeploy(url: string): Promise<void> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, "migrate", "deploy", "--config", "prisma/prisma.config.ts"],
      {
        cwd: PACKAGE_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: url,
          CHECKPOINT_DISABLE: "1",
          NODE_OPTIONS: "--require ./prisma/scripts/unref-long-timers.cjs",
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve()),
    );
  });
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** `migrations` with one script changed, as if its file had been edited after it was applied. */
export const edited = (migrations: LocalMigration[], name: string, change: (script: string) => string) =>
  migrations.map((m) => (m.name === name ? { ...m, script: change(m.script) } : m));

/** A migration whose second statement fails: its first must not survive. */
export const broken: LocalMigration = {
  name: "29990101000000_broken",
  script: 'CREATE TABLE "Half" ("a" INTEGER);\nINSERT INTO "NoSuchTable" VALUES (1);\n',
  checksum: sha256("unused"),
  file: "broken/migration.sql",
};
