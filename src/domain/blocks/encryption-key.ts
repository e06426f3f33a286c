// The key block secrets are encrypted with: ORDO_ENCRYPTION_KEY, or one generated on first boot and
// kept in the database, so every replica (and a restart) decrypts with the same key.
import { generateEncryptionKey, parseEncryptionKey } from "../../blocks/index.js";
import type { Database } from "../../db/prisma-client.js";

const KEY_NAME = "block-encryption-key";

export async function resolveEncryptionKey(db: Database, configured: string | null): Promise<Buffer> {
  if (configured) return parseEncryptionKey(configured);
  const candidate = generateEncryptionKey().toString("base64");
  // insert-if-missing: two replicas booting at once agree on whichever key was stored first
  const stored = await db.client.configuration.upsert({
    where: { key: KEY_NAME },
    create: { key: KEY_NAME, value: candidate },
    update: {},
  });
  return parseEncryptionKey(stored.value);
}
