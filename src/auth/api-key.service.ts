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
/**
 * A key that authenticated is trusted again for this long without reading its row (one query of a
 * read's three). Revoking drops it at once on the server that revokes, and on the others through
 * the event bus; expiry is still checked on every request.
 */
const AUTHENTICATED_FOR_MS = 1_000;
/** keys remembered at once (only keys that authenticated: unknown ones are never kept) */
const AUTHENTICATED_MAX = 1_000;

type ApiKeyRow = NonNullable<Awaited<ReturnType<Database["client"]["apiKey"]["findUnique"]>>>;

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
  /** by key hash; `until` is on the monotonic clock (a test clock may stand still) */
  private readonly authenticated = new Map<string, { row: ApiKeyRow; until: number }>();
  /** bumped by every revocation: a row read before one is not remembered */
  private revocations = 0;
  private listening = false;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENTS) private readonly events: EventBus,
  ) {}

  /** Creates a key; the returned `key` is the only time it exists in clear. */
  async create(input: ApiKeyInput, field = "input"): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!NAME.test(input.name)) {
      throw new BadUserInputError(
        `${field}.name must be 1-100 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
        `${field}.name`,
      );
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0)
      throw new BadUserInputError(`${field}.scopes must list at least one of ${SCOPES.join(", ")}`, `${field}.scopes`);
    const unknown = scopes.find((s) => !isScope(s));
    if (unknown !== undefined) {
      throw new BadUserInputError(
        `${field}.scopes: unknown scope ${JSON.stringify(unknown.slice(0, 40))}; use ${SCOPES.join(", ")}`,
        `${field}.scopes`,
      );
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
        data: {
          name: input.name,
          prefix: shownPrefix(key),
          hash: hashApiKey(key),
          scopes,
          expires: input.expiresAt ?? null,
          created: this.clock.now(),
        },
      })
      .catch((e: unknown) => {
        // the unique name raced with another create
        if ((e as { code?: string }).code === "P2002")
          throw new ConflictError(`an API key named "${input.name}" exists already`, `${field}.name`);
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
    const revoked =
      row.revoked ??
      (await this.db.client.apiKey.update({ where: { id: row.id }, data: { revoked: this.clock.now() } })).revoked;
    this.forget(row.id);
    this.events.publish("api-key.revoked", { keyId: row.id });
    return toRecord({ ...row, revoked });
  }

  /** The principal of a presented key, or null when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const row = this.recent(hash) ?? (await this.read(hash));
    const now = this.clock.now();
    if (!row || row.revoked || (row.expires && row.expires.getTime() <= now.getTime())) return null;
    if (!row.lastUsed || now.getTime() - row.lastUsed.getTime() > LAST_USED_RESOLUTION_MS) {
      row.lastUsed = now; // the remembered row too, so the next requests do not write it again
      // bookkeeping must never fail the request it rides on
      await this.db.client.apiKey.update({ where: { id: row.id }, data: { lastUsed: now } }).catch(() => undefined);
    }
    return { keyId: row.id, name: row.name, scopes: scopesOf(row.scopes) };
  }

  private recent(hash: string): ApiKeyRow | undefined {
    const hit = this.authenticated.get(hash);
    if (!hit) return undefined;
    if (hit.until > performance.now()) return hit.row;
    this.authenticated.delete(hash);
    return undefined;
  }

  private async read(hash: string): Promise<ApiKeyRow | null> {
    const revocations = this.revocations;
    const row = await this.db.client.apiKey.findUnique({ where: { hash } });
    // a revocation that landed while this read was in flight may not be in the row it returned
    if (row && !row.revoked && revocations === this.revocations) {
      this.listen();
      if (this.authenticated.size >= AUTHENTICATED_MAX)
        this.authenticated.delete(this.authenticated.keys().next().value!);
      this.authenticated.set(hash, { row, until: performance.now() + AUTHENTICATED_FOR_MS });
    }
    return row;
  }

  private forget(keyId: string): void {
    this.revocations++;
    for (const [hash, { row }] of this.authenticated) if (row.id === keyId) this.authenticated.delete(hash);
  }

  /** revocations made by other replicas (the bus is shared through Redis when there are several) */
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    void (async () => {
      for await (const e of this.events.subscribe("api-key.revoked")) this.forget(e.keyId);
    })().catch(() => {
      // the bus is closing: nothing more to hear; a new subscription is made at the next read
      this.listening = false;
    });
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
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: scopesOf(row.scopes),
    created: row.created,
    lastUsed: row.lastUsed,
    expires: row.expires,
    revoked: row.revoked,
  };
}
