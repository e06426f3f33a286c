// What every resolver receives: a read-only view of the database for `...query` reads, the domain
// services for writes, the event bus for subscriptions, and who is calling. One fresh object per operation.
import type { AccessService } from "../auth/access.service.js";
import type { ApiKeyService } from "../auth/api-key.service.js";
import type { Principal } from "../auth/principal.js";
import type { Db } from "../db/prisma-client.js";
import type { EventBus } from "../events/event-bus.js";
import type { DomainServices } from "../domain/services.js";

export interface GraphQLContext {
  db: Db;
  services: DomainServices;
  events: EventBus;
  /** the authenticated caller (an admin stand-in when ORDO_AUTH=off) */
  principal: Principal;
  apiKeys: ApiKeyService;
  access: AccessService;
}
