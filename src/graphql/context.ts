// What every resolver receives: a read-only view of the database for `...query` reads, the domain
// services for writes, the event bus for subscriptions, the app's clock, and who is calling. One fresh object per operation.
import type { AccessService } from "../auth/access.service.js";
import type { ApiKeyService } from "../auth/api-key.service.js";
import type { Principal } from "../auth/principal.js";
import type { EventBus } from "../events/event-bus.js";
import type { DomainServices } from "../domain/services.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** The delegate methods that write rows: resolvers call a domain service for these. */
export type WriteMethod =
  | "create"
  | "createMany"
  | "createManyAndReturn"
  | "update"
  | "updateMany"
  | "updateManyAndReturn"
  | "upsert"
  | "delete"
  | "deleteMany";
/** The client-level methods that write, open a transaction, close or rebuild the client. */
export type ClientWriteMethod = "$executeRaw" | "$executeRawUnsafe" | "$transaction" | "$disconnect" | "$extends";

/**
 * The Prisma client as the API layer sees it: every model delegate without its write methods,
 * and the client without raw writes or transactions. It is the same object at run time (the
 * server's context hands over the application's client, server/app.ts); only the type narrows,
 * so a resolver that writes through `ctx.db` does not compile — writes go through
 * `ctx.services`, which validate, transact and publish after commit (DESIGN "Layout").
 */
export type ReadOnlyDb = {
  readonly [K in keyof PrismaClient as K extends ClientWriteMethod ? never : K]: K extends `$${string}`
    ? PrismaClient[K]
    : Omit<PrismaClient[K], WriteMethod>;
};

export interface GraphQLContext {
  db: ReadOnlyDb;
  services: DomainServices;
  events: EventBus;
  /** the authenticated caller (an admin stand-in when ORDO_AUTH=off) */
  principal: Principal;
  apiKeys: ApiKeyService;
  access: AccessService;
  /** the app's time: statuses derived from heartbeats and polls compare against it */
  clock: { now(): Date };
}
