// What every resolver receives: a read-only view of the database for `...query` reads, the domain
// services for writes, and the event bus for subscriptions. One fresh object per operation.
import type { Db } from "../db/prisma-client.js";
import type { EventBus } from "../events/event-bus.js";
import type { DomainServices } from "../domain/services.js";

export interface GraphQLContext {
  db: Db;
  services: DomainServices;
  events: EventBus;
}
