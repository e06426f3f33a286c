// Reads the migrations shipped with Ordo (prisma/migrations, prisma/postgres/migrations under the
// package folder) and checksums their scripts exactly as Prisma Migrate does.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../../installation.js";

export interface LocalMigration {
  /** the folder name, e.g. 20261122000000_init; migrations apply in this order */
  name: string;
  /** migration.sql as text */
  script: string;
  /** sha256 of migration.sql, lower-case hex: what `_prisma_migrations.checksum` records */
  checksum: string;
  /** the file, for messages */
  file: string;
}

/** Where the migrations of a provider live in this installation. */
export function migrationsFolder(provider: "sqlite" | "postgresql", root: string = PACKAGE_ROOT): string {
  return provider === "postgresql"
    ? path.join(root, "prisma", "postgres", "migrations")
    : path.join(root, "prisma", "migrations");
}

/** Every sub-folder of `folder` is a migration (as for Prisma: files such as migration_lock.toml are not), in name order. */
export function readMigrations(folder: string): LocalMigration[] {
  const names = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // byte order, as Prisma sorts them (localeCompare would not)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const file = path.join(folder, name, "migration.sql");
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      // Prisma's words for the same case
      throw new Error(
        `Could not find the migration file at ${file}. Please delete the directory or restore the migration file.`,
      );
    }
    return { name, script: bytes.toString("utf8"), checksum: sha256Hex(bytes), file };
  });
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Whether `script` is the one recorded with `checksum`, with Prisma's tolerances
 * (schema-engine checksum.rs): the script's line endings may have been converted either way by
 * git (LF ↔ CRLF), and rows written by old Prisma versions hold hex without zero padding
 * (prisma/prisma-engines#1887).
 */
export function matchesChecksum(script: string, checksum: string): boolean {
  const legacy = checksum !== "" && checksum.length !== 64;
  return [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")].some((variant) => {
    const digest = createHash("sha256").update(variant, "utf8").digest();
    const text = legacy ? Array.from(digest, (byte) => byte.toString(16)).join("") : digest.toString("hex");
    return text === checksum;
  });
}
