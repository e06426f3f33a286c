// Secret block fields: AES-256-GCM envelopes at rest, "********" in responses, and keeping the
// stored value when a client writes the mask back. No secret value ever reaches an error message.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getAt, locationName, secretLocations, setAt } from "./secret-paths.js";

export const SECRET_MASK = "********";

const ENVELOPE_PREFIX = "ordo:v1:";
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {
  constructor(readonly path: string) {
    super(`secret field ${path} could not be decrypted: wrong encryption key or tampered data`);
    this.name = "SecretDecryptionError";
  }
}

/** The mask was written back where nothing is stored: keeping "********" as the secret would be wrong. */
export class MaskedSecretWithoutValueError extends Error {
  constructor(readonly path: string) {
    super(`secret field ${path} is "${SECRET_MASK}" but there is no stored value to keep`);
    this.name = "MaskedSecretWithoutValueError";
  }
}

export class InvalidEncryptionKeyError extends Error {
  constructor(detail: string) {
    // Deliberately never quotes the key itself.
    super(`the encryption key must be ${KEY_BYTES} bytes in base64: ${detail}`);
    this.name = "InvalidEncryptionKeyError";
  }
}

export function generateEncryptionKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Reads ORDO_ENCRYPTION_KEY-style text (standard or URL-safe base64 of 32 bytes). */
export function parseEncryptionKey(base64: string): Buffer {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new InvalidEncryptionKeyError("it is not base64");
  const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== KEY_BYTES) throw new InvalidEncryptionKeyError(`it decodes to ${key.length} bytes`);
  return key;
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new InvalidEncryptionKeyError(`got ${key.length} bytes`);
}

/** True for text shaped like an envelope (whether it authenticates is only known by decrypting). */
export function isEncryptedSecret(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(ENVELOPE_PREFIX);
}

/** Encrypts any JSON value (JSON-encoded first, so numbers and objects survive) into one string. */
export function encryptValue(value: unknown, key: Buffer): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return `${ENVELOPE_PREFIX}${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${ciphertext.toString("base64")}`;
}

/** The value inside an envelope; throws (naming `path`, never the value) if it does not authenticate. */
export function decryptValue(envelope: string, key: Buffer, path = "value"): unknown {
  checkKey(key);
  const parts = envelope.slice(ENVELOPE_PREFIX.length).split(":");
  if (!envelope.startsWith(ENVELOPE_PREFIX) || parts.length !== 3) throw new SecretDecryptionError(path);
  const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, "base64")) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError(path);
  try {
    // authTagLength pins the tag size: without it a truncated tag would be accepted.
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    return JSON.parse(plain) as unknown;
  } catch {
    throw new SecretDecryptionError(path);
  }
}

function authenticates(value: unknown, key: Buffer): boolean {
  if (!isEncryptedSecret(value)) return false;
  try {
    decryptValue(value, key);
    return true;
  } catch {
    return false;
  }
}

/**
 * A copy of `data` with every value at a secret path replaced by its envelope. A value that is
 * already an envelope under this key is kept as is, so data merged with stored ciphertext (see
 * mergeMaskedSecrets) is not encrypted twice; anything else, envelope-looking or not, is encrypted.
 */
export function encryptSecretFields<T>(data: T, secretPaths: readonly string[], key: Buffer): T {
  checkKey(key);
  const out = structuredClone(data);
  for (const loc of secretLocations(out, secretPaths)) {
    const value = getAt(out, loc);
    if (!authenticates(value, key)) setAt(out, loc, encryptValue(value, key));
  }
  return out;
}

/** A copy of `data` with every envelope at a secret path decrypted; plain values (stored before the path became secret) are left alone. */
export function decryptSecretFields<T>(data: T, secretPaths: readonly string[], key: Buffer): T {
  checkKey(key);
  const out = structuredClone(data);
  for (const loc of secretLocations(out, secretPaths)) {
    const value = getAt(out, loc);
    if (isEncryptedSecret(value)) setAt(out, loc, decryptValue(value, key, locationName(loc)));
  }
  return out;
}

/** A copy of `data` with every non-null value at a secret path shown as "********". */
export function maskSecretFields<T>(data: T, secretPaths: readonly string[]): T {
  const out = structuredClone(data);
  for (const loc of secretLocations(out, secretPaths)) setAt(out, loc, SECRET_MASK);
  return out;
}

/**
 * A copy of `incoming` where every secret value equal to "********" takes the stored value at the
 * same place (ciphertext or plain text, copied as is). Throws MaskedSecretWithoutValueError when
 * nothing is stored there.
 */
export function mergeMaskedSecrets<T>(incoming: T, stored: unknown, secretPaths: readonly string[]): T {
  const out = structuredClone(incoming);
  for (const loc of secretLocations(out, secretPaths)) {
    if (getAt(out, loc) !== SECRET_MASK) continue;
    const kept = getAt(stored, loc);
    if (kept === undefined || kept === null) throw new MaskedSecretWithoutValueError(locationName(loc));
    setAt(out, loc, structuredClone(kept));
  }
  return out;
}
