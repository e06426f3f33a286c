// The composition root: the only place that binds tokens to implementations.
import "reflect-metadata";
import { container as root, type DependencyContainer } from "tsyringe";
import type { OrdoConfig } from "./config.js";
import type { Database } from "./db/prisma-client.js";
import { DeploymentService } from "./domain/deployments/deployment.service.js";
import { FlowRunService } from "./domain/flow-runs/flow-run.service.js";
import { RunEvents } from "./domain/flow-runs/run-events.js";
import { LogService } from "./domain/logs/log.service.js";
import { SchedulingService } from "./domain/scheduling/scheduling.service.js";
import type { DomainServices } from "./domain/services.js";
import type { EventBus } from "./events/event-bus.js";
import { Orchestrator } from "./orchestration/orchestrator.js";
import { AccessService } from "./auth/access.service.js";
import { ApiKeyService } from "./auth/api-key.service.js";
import { LOGGER as BLOCK_LOGGER, registerBlockRegistry, type BlockRegistry } from "./blocks/index.js";
import { BlockDocumentService } from "./domain/blocks/block-document.service.js";
import { RunLeaseService } from "./domain/flow-runs/run-lease.service.js";
import { ClaimService } from "./domain/work-pools/claim.service.js";
import { WorkPoolService } from "./domain/work-pools/work-pool.service.js";
import type { Logger } from "./server/logger.js";
import { CLOCK, CONFIG, DATABASE, ENCRYPTION_KEY, EVENTS, JSON_SCHEMAS, PRISMA, type Clock } from "./tokens.js";
import { JsonSchemaValidator } from "./validation/ajv.js";

export interface ContainerParts {
  config: OrdoConfig;
  database: Database;
  events: EventBus;
  registry: BlockRegistry;
  encryptionKey: Buffer;
  logger: Logger;
  clock?: Clock;
}

/** A child container per app, so several apps (tests) can live in one process. */
export function createContainer(parts: ContainerParts): DependencyContainer {
  const c = root.createChildContainer();
  c.registerInstance(CONFIG, parts.config);
  c.registerInstance(DATABASE, parts.database);
  c.registerInstance(PRISMA, parts.database.client);
  c.registerInstance(EVENTS, parts.events);
  c.registerInstance(CLOCK, parts.clock ?? { now: () => new Date() });
  c.registerInstance(JSON_SCHEMAS, new JsonSchemaValidator());
  c.registerInstance(ENCRYPTION_KEY, parts.encryptionKey);
  // plugins may inject the logger; the registry checks every token they ask for is bound
  c.registerInstance(BLOCK_LOGGER, parts.logger);
  registerBlockRegistry(c, parts.registry);
  for (const cls of [
    Orchestrator,
    RunEvents,
    DeploymentService,
    FlowRunService,
    LogService,
    SchedulingService,
    BlockDocumentService,
    WorkPoolService,
    ClaimService,
    RunLeaseService,
    ApiKeyService,
    AccessService,
  ]) {
    c.registerSingleton(cls as never);
  }
  return c;
}

export function resolveServices(c: DependencyContainer): DomainServices {
  return {
    deployments: c.resolve(DeploymentService),
    flowRuns: c.resolve(FlowRunService),
    logs: c.resolve(LogService),
    scheduling: c.resolve(SchedulingService),
    blocks: c.resolve(BlockDocumentService),
    workPools: c.resolve(WorkPoolService),
    claims: c.resolve(ClaimService),
    leases: c.resolve(RunLeaseService),
  };
}
