// $ORDO_HOME/secret.key: the generated block-secret key, kept beside the database and never in it
// (DESIGN invariant 6), owner-only (0600, in a 0700 folder when Ordo creates the folder).
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseEncryptionKey } from "../../blocks/index.js";

export const KEY_FILE_NAME = "secret.key";

/** Why a start was refused over the encryption key; the message says what to do, never the key. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncryptionKeyError";
  }
}

export function keyFilePath(home: string): string {
  return path.join(home, KEY_FILE_NAME);
}

export interface KeyFile {
  key: Buffer;
  /** group or others may read it (a file the user put there, or copied without -p) */
  loose: boolean;
}

/** The key in `file`, or null when there is no such file. */
export async function readKeyFile(file: string): Promise<KeyFile | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    return { key: parseEncryptionKey(text), loose: ((await stat(file)).mode & 0o077) !== 0 };
  } catch (e) {
    throw new EncryptionKeyError(
      `${file} does not hold a valid key (${(e as Error).message}); restore it from a backup or set ORDO_ENCRYPTION_KEY`,
    );
  }
}

/**
 * Writes `key` to `file` unless a file is there already, and returns the key the file holds:
 * two servers starting at once on one home agree on whichever key was written first. The key is
 * written to a private temporary file and hard-linked into place, so the name appears only with
 * its whole content (a plain `wx` create would let the loser read a half-written file).
 */
export async function createKeyFile(file: string, key: Buffer): Promise<{ key: Buffer; created: boolean }> {
  // only the folders that are missing get 0700: an existing ORDO_HOME is the user's choice
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const text = `${key.toString("base64")}\n`;
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, text, { flag: "wx", mode: 0o600 });
  try {
    await link(tmp, file);
    return { key, created: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return { key: await winnersKey(file), created: false };
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw e;
    // a file system without hard links: create the name exclusively instead
    try {
      await writeFile(file, text, { flag: "wx", mode: 0o600 });
      return { key, created: true };
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code !== "EEXIST") throw e2;
      return { key: await winnersKey(file), created: false };
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

async function winnersKey(file: string): Promise<Buffer> {
  const winner = await readKeyFile(file);
  if (!winner)
    throw new EncryptionKeyError(`${file} was created and removed again while this server started; start it again`);
  return winner.key;
}

/** Removes a key file this start created and then refused to use, so the next start sees none. */
export async function removeKeyFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
