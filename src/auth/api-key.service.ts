// API keys: creating (the key is shown once), listing, revoking, and authenticating a request's key.
import { inject, injectable } from "tsyringe";
import type { Database } from "../db/prisma-client.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../domain/errors.js";
import type { EventBus } from "../events/event-bus.js";
import { CLOCK, DATABASE, EVENTS, type Clock } from "../tokens.js";
import { generateApiKey, hashApiKey, shownPrefix } from "./api-key-format.js";
import type { Principal } from "./principal.js";
import { SCOPES, isScope, type Scope } from "./scopes.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
/** lastUsed is bookkeeping: written at most once a minute per key, not on every request */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created: Date;
  lastUsed: Date | null;
  expires: Date | null;
  revoked: Date | null;
}

@injectable()
export class ApiKeyService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENTS) private readonly events: EventBus,
  ) {}

  /** Creates a key; the returned `key` is the only time it exists in clear. */
  async create(input: ApiKeyInput, field = "input"): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!NAME.test(input.name)) {
      throw new BadUserInputError(`${field}.name must be 1-100 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`, `${field}.name`);
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) throw new BadUserInputError(`${field}.scopes must list at least one of ${SCOPES.join(", ")}`, `${field}.scopes`);
    const unknown = scopes.find((s) => !isScope(s));
    if (unknown !== undefined) {
      throw new BadUserInputError(`${field}.scopes: unknown scope ${JSON.stringify(unknown.slice(0, 40))}; use ${SCOPES.join(", ")}`, `${field}.scopes`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new BadUserInputError(`${field}.expiresAt must be in the future`, `${field}.expiresAt`);
    }
    if (await this.db.client.apiKey.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new ConflictError(`an API key named "${input.name}" exists already`, `${field}.name`);
    }
    const key = generateApiKey();
    const row = await this.db.client.apiKey
      .create({
        data: { name: input.name, prefix: shownPrefix(key), hash: hashApiKey(key), scopes, expires: input.expiresAt ?? null, created: this.clock.now() },
      })
      .catch((e: unknown) => {
        // the unique name raced with another create
        if ((e as { code?: string }).code === "P2002") throw new ConflictError(`an API key named "${input.name}" exists already`, `${field}.name`);
        throw e;
      });
    return { key, record: toRecord(row) };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.client.apiKey.findMany({ orderBy: { created: "asc" } });
    return rows.map(toRecord);
  }

  /** Revokes by id or name; takes effect on the next request, and closes the key's subscriptions. */
  async revoke(idOrName: string, field = "id"): Promise<ApiKeyRecord> {
    const row = await this.db.client.apiKey.findFirst({ where: { OR: [{ id: idOrName }, { name: idOrName }] } });
    if (!row) throw new NotFoundError(`no API key with id or name "${idOrName.slice(0, 100)}"`, field);
    const revoked = row.revoked ?? (await this.db.client.apiKey.update({ where: { id: row.id }, data: { revoked: this.clock.now() } })).revoked;
    this.events.publish("api-key.revoked", { keyId: row.id });
    return toRecord({ ...row, revoked });
  }

  /** The principal of a presented key, or null when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal | null> {
    const row = await this.db.client.apiKey.findUnique({ where: { hash: hashApiKey(key) } });
    const now = this.clock.now();
    if (!row || row.revoked || (row.expires && row.expires.getTime() <= now.getTime())) return null;
    if (!row.lastUsed || now.getTime() - row.lastUsed.getTime() > LAST_USED_RESOLUTION_MS) {
      // bookkeeping must never fail the request it rides on
      await this.db.client.apiKey.update({ where: { id: row.id }, data: { lastUsed: now } }).catch(() => undefined);
    }
    return { keyId: row.id, name: row.name, scopes: scopesOf(row.scopes) };
  }
}

function scopesOf(value: unknown): Scope[] {
  return Array.isArray(value) ? value.filter((s): s is Scope => typeof s === "string" && isScope(s)) : [];
}

function toRecord(row: {
  id: string;
  name: string;
  prefix: string;
  scopes: unknown;
  created: Date;
  lastUsed: Date | null;
  expires: Date | null;
  revoked: Date | null;
}): ApiKeyRecord {
  return { id: row.id, name: row.name, prefix: row.prefix, scopes: scopesOf(row.scopes), created: row.created, lastUsed: row.lastUsed, expires: row.expires, revoked: row.revoked };
}
