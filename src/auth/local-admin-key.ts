// Zero-configuration local use: on start the server makes sure $ORDO_HOME/api-key (mode 0600) holds
// a valid admin key, creating one when the file is missing or holds a key this database does not
// know. The CLI, workers and the SDK on the same machine read that file (client/api-key.ts); a web
// page cannot, which is what keeps a local server out of reach of cross-site requests.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ApiKeyService } from "./api-key.service.js";
import { grants } from "./scopes.js";

export const API_KEY_FILE = "api-key";

export interface LocalKeyLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export async function ensureLocalAdminKey(apiKeys: ApiKeyService, home: string, log: LocalKeyLog): Promise<string> {
  const file = path.join(home, API_KEY_FILE);
  const existing = readKey(file);
  if (existing) {
    const principal = await apiKeys.authenticate(existing);
    if (principal && grants(principal.scopes, "admin")) return file;
    log.warn(
      `${file} holds a key this database does not accept (another database, or revoked): writing a new admin key`,
    );
  }
  const { key, record } = await createWithFreeName(apiKeys);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // write-then-rename: a reader never sees a half-written key, and the mode is set before the key lands
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${key}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  log.info(`created the admin API key "${record.name}" in ${file} (the ordo CLI and workers on this machine use it)`);
  return file;
}

function readKey(file: string): string | null {
  try {
    return readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
}

async function createWithFreeName(apiKeys: ApiKeyService) {
  for (const name of [
    "local-admin",
    `local-admin-${randomBytes(3).toString("hex")}`,
    `local-admin-${randomBytes(6).toString("hex")}`,
  ]) {
    try {
      return await apiKeys.create({ name, scopes: ["admin"] });
    } catch (e) {
      if ((e as { code?: string }).code !== "CONFLICT") throw e;
    }
  }
  throw new Error("could not find a free name for the local admin API key");
}
