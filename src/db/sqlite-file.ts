// Creates a SQLite database file owner-only (0600, its missing folders 0700) before SQLite does:
// SQLite would create it 0644, and it holds the block secrets' ciphertext and every run's data.
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/** The file a `file:` URL names, resolved against `base`; null for an in-memory database. */
export function sqliteFilePath(url: string, base: string): string | null {
  const name = url.replace(/^file:/, "").split("?")[0] ?? "";
  if (name === "" || name === ":memory:") return null;
  return path.resolve(base, name);
}

/**
 * Makes the folders that are missing (0700; folders that exist, e.g. /tmp, are the user's choice
 * and left alone) and an empty database file (0600) unless one exists. SQLite gives the -wal,
 * -shm and -journal files the database file's mode, so they are owner-only too. An existing
 * file keeps its mode: Ordo did not create it.
 */
export function prepareSqliteFile(url: string, base: string = process.cwd()): void {
  const file = sqliteFilePath(url, base);
  if (!file) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // an empty file is a valid, empty SQLite database
    closeSync(openSync(file, "wx", 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}
