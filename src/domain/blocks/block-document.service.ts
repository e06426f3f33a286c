// Block document use cases: create / update / delete, validated against the block type's schema,
// with secret fields encrypted at rest and masked on the way out (DESIGN invariant 6).
import { randomUUID } from "node:crypto";
import { inject, injectable } from "tsyringe";
import {
  BLOCK_REGISTRY,
  CAPABILITIES,
  decryptSecretFields,
  encryptSecretFields,
  maskSecretFields,
  MaskedSecretWithoutValueError,
  mergeMaskedSecrets,
  SecretDecryptionError,
  SLUG_PATTERN,
  type BlockRegistry,
  type Capability,
} from "../../blocks/index.js";
import { json } from "../../db/json-columns.js";
import type { Database } from "../../db/prisma-client.js";
import { inTransaction, isUniqueViolation } from "../../db/transaction.js";
import { CLOCK, type Clock, DATABASE, ENCRYPTION_KEY } from "../../tokens.js";
import { BadUserInputError, ConflictError, NotFoundError, validationFailed } from "../errors.js";
import { acceptJson } from "../json-input.js";
import { asStringArray, isPlainObject, type JsonObject } from "../json.js";
import { LIMITS } from "../limits.js";
import { checkLength, quoteName } from "../names.js";

export interface CreateBlockDocumentInput {
  blockTypeSlug: string;
  name?: string | null;
  data?: unknown;
  isAnonymous?: boolean | null;
}

@injectable()
export class BlockDocumentService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(BLOCK_REGISTRY) private readonly registry: BlockRegistry,
    @inject(ENCRYPTION_KEY) private readonly key: Buffer,
    // created and updated come from the app's clock (as a deployment's), not the database's
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(input: CreateBlockDocumentInput): Promise<{ id: string }> {
    const type = this.blockType(input.blockTypeSlug, "input.blockTypeSlug");
    const anonymous = input.isAnonymous ?? false;
    const name = input.name ?? (anonymous ? `anonymous-${randomUUID()}` : null);
    if (!name) throw new BadUserInputError("input.name is required unless isAnonymous is true", "input.name");
    checkLength(name, LIMITS.nameLength, "input.name");
    if (!new RegExp(SLUG_PATTERN).test(name)) {
      throw new BadUserInputError(
        `input.name must be lowercase letters, digits and "-", got ${quoteName(name)}`,
        "input.name",
      );
    }
    const data = this.checkData(type.slug, input.data, {}, type.secretFields, "input.data");
    const rows = await this.rowsFor(type.slug, type.checksum);
    const existing = await this.db.client.blockDocument.findUnique({
      where: { blockTypeId_name: { blockTypeId: rows.typeId, name } },
    });
    if (existing) throw new ConflictError(`A ${type.slug} block named ${quoteName(name)} already exists`, "input.name");
    try {
      const now = this.clock.now();
      return await this.db.client.blockDocument.create({
        data: {
          created: now,
          updated: now,
          name,
          isAnonymous: anonymous,
          blockTypeId: rows.typeId,
          blockSchemaId: rows.schemaId,
          data: json(encryptSecretFields(data, type.secretFields, this.key)),
        },
        select: { id: true },
      });
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ConflictError(`A ${type.slug} block named ${quoteName(name)} already exists`, "input.name");
      throw e;
    }
  }

  /** Replaces (or with merge, shallow-merges into) the data; "********" keeps a stored secret. */
  async update(id: string, data: unknown, merge: boolean): Promise<void> {
    const doc = await this.db.client.blockDocument.findUnique({
      where: { id },
      include: { blockType: true, blockSchema: true },
    });
    if (!doc) throw new NotFoundError(`No block document with id ${id}`, "id");
    const type = this.blockType(doc.blockType.slug, "id");
    acceptJson(data, "data");
    if (!isPlainObject(data)) throw new BadUserInputError("data must be a JSON object", "data");
    const stored = this.decrypt(doc.data, asStringArray(doc.blockSchema.secretFields)) as JsonObject;
    const incoming = merge ? { ...stored, ...data } : data;
    // validated (and re-encrypted) against the type's current schema: an update upgrades the document
    const next = this.checkData(type.slug, incoming, stored, type.secretFields, "data");
    const rows = await this.rowsFor(type.slug, type.checksum);
    await this.db.client.blockDocument.update({
      where: { id },
      data: {
        data: json(encryptSecretFields(next, type.secretFields, this.key)),
        blockSchemaId: rows.schemaId,
        updated: this.clock.now(),
      },
    });
  }

  /** Refuses while deployments use it (Prefect silently cascade-deletes them). */
  async delete(id: string): Promise<boolean> {
    const inUse = (names: string[]) =>
      new ConflictError(`The block is used by deployment${names.length > 1 ? "s" : ""} ${names.join(", ")}`, "id");
    try {
      return await inTransaction(this.db, async (tx) => {
        const doc = await tx.blockDocument.findUnique({
          where: { id },
          select: {
            storageFor: { select: { name: true, flow: { select: { name: true } } } },
            infrastructureFor: { select: { name: true, flow: { select: { name: true } } } },
          },
        });
        if (!doc) return false;
        const users = [
          ...new Set([...doc.storageFor, ...doc.infrastructureFor].map((d) => `${d.flow.name}/${d.name}`)),
        ].sort();
        if (users.length) throw inUse(users);
        await tx.blockDocument.delete({ where: { id } });
        return true;
      });
    } catch (e) {
      // a deployment that started using it between the check and the delete (foreign key RESTRICT)
      if ((e as { code?: string }).code === "P2003") throw inUse(["a deployment applied meanwhile"]);
      throw e;
    }
  }

  /** Stored data as a response shows it: secrets masked, or decrypted when revealed. */
  present(data: unknown, secretFields: unknown, reveal: boolean): unknown {
    const paths = asStringArray(secretFields);
    return reveal ? this.decrypt(data, paths) : maskSecretFields(data, paths);
  }

  /**
   * Stored secrets in clear. One that does not decrypt (another key than the one it was stored
   * with, or an altered value; the key check at start makes the first unlikely) is a CONFLICT
   * naming the field, not an internal error: the stored state and the server's key disagree.
   */
  private decrypt(data: unknown, paths: readonly string[]): unknown {
    try {
      return decryptSecretFields(data, paths, this.key);
    } catch (e) {
      if (!(e instanceof SecretDecryptionError)) throw e;
      throw new ConflictError(
        `The stored secret data.${e.path} cannot be decrypted with this server's encryption key (ORDO_ENCRYPTION_KEY, or secret.key in ORDO_HOME): ` +
          "it was encrypted with another key, or altered in the database",
        `data.${e.path}`,
      );
    }
  }

  /** Block type slugs registered by the loaded plugins, optionally only those with a capability. */
  slugs(capability?: string | null): string[] {
    if (!capability) return this.registry.list().map((t) => t.slug);
    if (!(CAPABILITIES as readonly string[]).includes(capability)) {
      throw new BadUserInputError(`capability must be one of ${CAPABILITIES.join(", ")}`, "capability");
    }
    return this.registry.byCapability(capability as Capability).map((t) => t.slug);
  }

  private blockType(slug: string, field: string) {
    if (!new RegExp(SLUG_PATTERN).test(slug))
      throw new BadUserInputError(`${field} must match ${SLUG_PATTERN}, got ${quoteName(slug)}`, field);
    if (!this.registry.has(slug))
      throw new NotFoundError(`No block type ${quoteName(slug)} (is its plugin loaded?)`, field);
    return this.registry.get(slug);
  }

  private checkData(
    slug: string,
    data: unknown,
    stored: unknown,
    secretFields: readonly string[],
    field: string,
  ): JsonObject {
    acceptJson(data, field);
    if (!isPlainObject(data)) throw new BadUserInputError(`${field} must be a JSON object`, field);
    let merged: JsonObject;
    try {
      merged = mergeMaskedSecrets(data, stored, secretFields);
    } catch (e) {
      if (e instanceof MaskedSecretWithoutValueError) {
        // names the secret field (a key path, never its value), e.g. "input.data.apiToken"
        throw new BadUserInputError(
          `${field}.${e.path}: "********" can only keep a secret that is already stored`,
          field,
        );
      }
      throw e;
    }
    const issues = this.registry.validate(slug, merged);
    if (issues.length) throw validationFailed(field, `${slug} block data`, issues);
    return merged;
  }

  private async rowsFor(slug: string, checksum: string): Promise<{ typeId: string; schemaId: string }> {
    const schema = await this.db.client.blockSchema.findFirst({
      where: { checksum, blockType: { slug } },
      select: { id: true, blockTypeId: true },
    });
    // registration at boot writes these rows; their absence means the server booted without it
    if (!schema) throw new Error(`block type ${slug} is not registered in the database`);
    return { typeId: schema.blockTypeId, schemaId: schema.id };
  }
}
