// The key check: an HMAC-SHA256 of a fixed text under the block-secret key, kept in the
// database so a start with another key is refused before it can mix two keys' secrets. An HMAC
// output reveals nothing about its key, and the check is useless for decrypting anything.
import { createHmac, timingSafeEqual } from "node:crypto";

const CHECK_TEXT = "ordo block-secret key check v1";
const PREFIX = "hmac-sha256:v1:";

export function keyCheckValue(key: Buffer): string {
  return PREFIX + createHmac("sha256", key).update(CHECK_TEXT).digest("base64");
}

export function keyMatchesCheck(key: Buffer, check: string): boolean {
  const expected = Buffer.from(keyCheckValue(key));
  const stored = Buffer.from(check);
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}
