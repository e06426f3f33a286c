// What an API key looks like and how it is stored: `ordo_` + 32 random bytes (base64url), kept
// only as a SHA-256 hash — the key has 256 bits of entropy, so a slow hash would add nothing.
import { createHash, randomBytes } from "node:crypto";

export const KEY_PREFIX = "ordo_";
const KEY_BYTES = 32;
/** characters of a key shown in listings ("ordo_AbCdEfG…"): enough to tell keys apart, useless to guess */
const SHOWN_CHARS = KEY_PREFIX.length + 6;

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(KEY_BYTES).toString("base64url")}`;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_CHARS);
}

/** The key in an `Authorization: Bearer <key>` value, or null when the header has another shape. */
export function bearerKey(header: string | null | undefined): string | null {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}
