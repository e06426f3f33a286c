// Injection tokens: the names under which container.ts binds implementations. Constructors
// declare every dependency with @inject(TOKEN) (decorator metadata is lost under tsx/esbuild).
import type { InjectionToken } from "tsyringe";
import type { OrdoConfig } from "./config.js";
import type { Database, Db } from "./db/prisma-client.js";
import type { EventBus } from "./events/event-bus.js";
import type { JsonSchemaValidator } from "./validation/ajv.js";

/** The source of "now" for everything that schedules or times out, so tests can move time. */
export interface Clock {
  now(): Date;
}

export const CONFIG: InjectionToken<OrdoConfig> = Symbol("Config");
export const DATABASE: InjectionToken<Database> = Symbol("Database");
export const PRISMA: InjectionToken<Db> = Symbol("Prisma");
export const EVENTS: InjectionToken<EventBus> = Symbol("EventBus");
export const CLOCK: InjectionToken<Clock> = Symbol("Clock");
export const JSON_SCHEMAS: InjectionToken<JsonSchemaValidator> = Symbol("JsonSchemaValidator");
/** the 32-byte AES-256-GCM key for block secrets (domain/blocks/encryption-key.ts) */
export const ENCRYPTION_KEY: InjectionToken<Buffer> = Symbol("EncryptionKey");
