// buildApp(): the server as an object — database, container, GraphQL over HTTP/SSE and
// WebSocket — with start() and stop(). Nothing happens on import.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DependencyContainer } from "tsyringe";
import { ConfigError, type OrdoConfig } from "../config.js";
import { AccessService } from "../auth/access.service.js";
import { ApiKeyService } from "../auth/api-key.service.js";
import { ensureLocalAdminKey } from "../auth/local-admin-key.js";
import { isLoopback, isLoopbackHostHeader } from "../auth/origins.js";
import { loadPlugins } from "../blocks/index.js";
import { createContainer, resolveServices } from "../container.js";
import { registerBlockTypes } from "../domain/blocks/block-type-registration.js";
import { resolveEncryptionKey } from "../domain/blocks/encryption-key.js";
import { migrateDatabase } from "../db/migrate.js";
import { databaseInstanceId } from "../db/instance-id.js";
import { createDatabase, type Database } from "../db/prisma-client.js";
import { createEventBus, type EventBus } from "../events/event-bus.js";
import { startBackgroundServices, type BackgroundServices } from "../services/background-services.js";
import { CLOCK, type Clock } from "../tokens.js";
import type { DomainServices } from "../domain/services.js";
import { attachGraphQLWs } from "./graphql-ws.js";
import { createLogger, type Logger } from "./logger.js";
import { auditLog } from "./audit-log.js";
import { createAuthenticate } from "./authenticate.js";
import { createDashboard, dashboardDirectory } from "./dashboard.js";
import { endSubscriptionsOnRevocation } from "./revocation.js";
import { shareSubscriptionExecutions } from "./shared-subscriptions.js";
import { createOrdoYoga, type OrdoYoga } from "./yoga.js";

export interface OrdoApp {
  yoga: OrdoYoga;
  container: DependencyContainer;
  database: Database;
  events: EventBus;
  logger: Logger;
  services: DomainServices;
  /** listens on config.host:config.port (port 0 = any free port); resolves to the GraphQL URL */
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

export async function buildApp(
  config: OrdoConfig,
  overrides: { clock?: Clock; logger?: Logger } = {},
): Promise<OrdoApp> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  // plugins first: a broken plugin stops the boot before anything else happens
  const registry = await loadPlugins({ packages: config.plugins });
  if (config.migrate) await migrateDatabase(config.databaseUrl);
  const database = await createDatabase(config.databaseUrl);
  await registerBlockTypes(database, registry, overrides.clock);
  // a refused key stops the boot: close the connection it leaves behind
  const encryptionKey = await resolveEncryptionKey(database, {
    home: config.home,
    configured: config.encryptionKey,
    log: logger,
  }).catch(async (e: unknown) => {
    await database.client.$disconnect();
    throw e;
  });
  const events = await createEventBus(
    config.redisUrl
      ? {
          url: config.redisUrl,
          // replicas of one database share channels; servers of other databases never see them
          prefix: config.redisPrefix ?? `ordo:${await databaseInstanceId(database)}:`,
          warn: (message) => logger.warn(message),
        }
      : null,
  );
  const container = createContainer({
    config,
    database,
    events,
    registry,
    encryptionKey,
    logger,
    clock: overrides.clock,
  });
  const services = resolveServices(container);
  const apiKeys = container.resolve(ApiKeyService);
  const access = container.resolve(AccessService);
  if (config.auth) await ensureLocalAdminKey(apiKeys, config.home, logger);
  const authenticate = createAuthenticate(config.auth, apiKeys);
  const clock = container.resolve(CLOCK);
  const yoga = createOrdoYoga({
    graphiql: config.graphiql,
    graphqlDev: config.graphqlDev,
    logger,
    corsOrigins: config.corsOrigins,
    loopbackHostsOnly: !config.auth,
    // sharing first: revocation then wraps each subscriber's own stream
    plugins: [shareSubscriptionExecutions(), endSubscriptionsOnRevocation(events), auditLog(logger)],
    context: async (initial) => ({
      db: database.client,
      services,
      events,
      apiKeys,
      access,
      clock,
      principal: initial.principal ?? (await authenticate(initial.request?.headers.get("authorization"))),
    }),
  });
  let http: Server | null = null;
  let ws: { dispose(): Promise<void> } | null = null;
  let background: BackgroundServices | null = null;

  return {
    yoga,
    container,
    database,
    events,
    logger,
    services,
    async start() {
      if (!config.auth) {
        if (!isLoopback(config.host)) {
          throw new ConfigError(
            `ORDO_AUTH=off is refused when the server binds ${config.host}: anyone who can reach it could run code; bind 127.0.0.1 or turn auth on`,
          );
        }
        logger.warn("ORDO_AUTH=off: every local process and every request to this port acts as admin, without a key");
      }
      const dashboard = config.dashboard
        ? createDashboard(dashboardDirectory(), yoga.graphqlEndpoint, config.auth)
        : null;
      http = createServer((request, response) => {
        // the same Host rule as GraphQL's (request-guards): with auth off, loopback names only
        if (dashboard?.handles(request) && (config.auth || isLoopbackHostHeader(request.headers.host))) {
          dashboard.serve(request, response);
        } else {
          yoga(request, response);
        }
      });
      ws = attachGraphQLWs(http, yoga, {
        authenticate,
        corsOrigins: config.corsOrigins,
        loopbackHostsOnly: !config.auth,
        events,
        logger,
      });
      await new Promise<void>((resolve, reject) => {
        http!.once("error", reject);
        http!.listen(config.port, config.host, () => resolve());
      });
      if (config.services.enabled) {
        background = startBackgroundServices({
          config,
          database,
          scheduling: services.scheduling,
          leases: services.leases,
          clock,
          logger,
        });
      }
      const { port } = http.address() as AddressInfo;
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      return { url: `http://${host}:${port}${yoga.graphqlEndpoint}`, port };
    },
    async stop() {
      await background?.stop();
      await ws?.dispose();
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http!.close(() => resolve()));
      }
      await events.close();
      await database.client.$disconnect();
    },
  };
}
