// Applies pending migrations by running the Prisma CLI's `migrate deploy` (engine js, no downloaded
// binaries), with the preload that stops the CLI idling after it finished (stack-notes P3); a
// database that cannot be opened is named in words (open-failure.ts).
import { execFile } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { isPostgresUrl } from "../config.js";
import { PACKAGE_ROOT } from "../installation.js";
import { explained } from "./open-failure.js";
import { prepareSqliteFile } from "./sqlite-file.js";

const root = PACKAGE_ROOT;

export async function migrateDatabase(url: string): Promise<void> {
  // the adapter would silently create the file (0644), but not its folder; the CLI runs in `root`
  try {
    if (!isPostgresUrl(url)) prepareSqliteFile(url, root);
  } catch (e) {
    await explained(e, url, root);
  }
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  const preload = path.join(root, "prisma/scripts/unref-long-timers.cjs");
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, "migrate", "deploy", "--config", path.join(root, "prisma/prisma.config.ts")],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1", NODE_OPTIONS: `--require ${preload}` },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const detail = `${stdout}\n${stderr}`.split("\n").filter((l) => /error|P\d{4}/i.test(l)).join("\n");
        reject(new Error(`Database migration failed: ${detail || error.message}`));
      },
    );
  }).catch((e: unknown) => explained(e, url, root)); // the CLI often says only "External error id#0"
}
