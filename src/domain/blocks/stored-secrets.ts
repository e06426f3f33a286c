// The block secrets a database already holds, seen through one key: whether they decrypt (before
// a key is first trusted with a database), and moving them from an old key to the configured one.
import { decryptSecretFields, encryptSecretFields, SecretDecryptionError } from "../../blocks/index.js";
import { json } from "../../db/json-columns.js";
import type { Database, Tx } from "../../db/prisma-client.js";
import { inTransaction } from "../../db/transaction.js";
import { asStringArray } from "../json.js";

type Client = Database["client"] | Tx;

const SELECT = {
  id: true,
  name: true,
  data: true,
  blockType: { select: { slug: true } },
  blockSchema: { select: { secretFields: true } },
} as const;
type StoredDocument = Awaited<ReturnType<typeof storedDocuments>>[number];

function storedDocuments(client: Client) {
  return client.blockDocument.findMany({ select: SELECT, orderBy: { id: "asc" } });
}

/** The document's data with its secrets in clear, null when an envelope does not decrypt under `key`. */
function decrypted(doc: StoredDocument, key: Buffer): unknown {
  try {
    return decryptSecretFields(doc.data, asStringArray(doc.blockSchema.secretFields), key);
  } catch (e) {
    if (e instanceof SecretDecryptionError) return null;
    throw e;
  }
}

/** "none": no encrypted value at a secret path (decrypting changed nothing). */
function classify(doc: StoredDocument, key: Buffer): "none" | "readable" | "unreadable" {
  const clear = decrypted(doc, key);
  if (clear === null) return "unreadable";
  return JSON.stringify(clear) === JSON.stringify(doc.data) ? "none" : "readable";
}

const label = (doc: StoredDocument) => `${doc.blockType.slug}/${doc.name}`;

export interface SecretsAudit {
  /** documents whose every secret decrypts */
  readable: number;
  /** slugs of documents holding a secret that does not decrypt */
  unreadable: string[];
}

export async function auditStoredSecrets(db: Database, key: Buffer): Promise<SecretsAudit> {
  const audit: SecretsAudit = { readable: 0, unreadable: [] };
  for (const doc of await storedDocuments(db.client)) {
    const kind = classify(doc, key);
    if (kind === "readable") audit.readable++;
    if (kind === "unreadable") audit.unreadable.push(label(doc));
  }
  return audit;
}

/**
 * Re-encrypts under `to` every document whose secrets decrypt under `from` but not under `to`,
 * in one transaction. Idempotent: a document already readable under `to` is left alone.
 * Returns how many moved, and the documents neither key decrypts (left as they are).
 */
export async function moveSecretsToKey(
  db: Database,
  from: Buffer,
  to: Buffer,
): Promise<{ moved: number; unreadable: string[] }> {
  return inTransaction(db, async (tx) => {
    let moved = 0;
    const unreadable: string[] = [];
    for (const doc of await storedDocuments(tx)) {
      if (classify(doc, to) !== "unreadable") continue;
      const clear = decrypted(doc, from);
      if (clear === null) {
        unreadable.push(label(doc));
        continue;
      }
      const data = encryptSecretFields(clear, asStringArray(doc.blockSchema.secretFields), to);
      // `updated` stays: the document says what it said, only under another key
      await tx.blockDocument.update({ where: { id: doc.id }, data: { data: json(data) } });
      moved++;
    }
    return { moved, unreadable };
  });
}
