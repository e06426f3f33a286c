// buildApp(): the server as an object — database, container, GraphQL over HTTP/SSE and
// WebSocket — with start() and stop(). Nothing happens on import.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DependencyContainer } from "tsyringe";
import type { OrdoConfig } from "../config.js";
import { createContainer, resolveServices } from "../container.js";
import { migrateDatabase } from "../db/migrate.js";
import { createDatabase, type Database } from "../db/prisma-client.js";
import { createEventBus, type EventBus } from "../events/event-bus.js";
import type { Clock } from "../tokens.js";
import { attachGraphQLWs } from "./graphql-ws.js";
import { createLogger, type Logger } from "./logger.js";
import { createOrdoYoga, type OrdoYoga } from "./yoga.js";

export interface OrdoApp {
  yoga: OrdoYoga;
  container: DependencyContainer;
  database: Database;
  events: EventBus;
  logger: Logger;
  /** listens on config.host:config.port (port 0 = any free port); resolves to the GraphQL URL */
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

export async function buildApp(config: OrdoConfig, overrides: { clock?: Clock; logger?: Logger } = {}): Promise<OrdoApp> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  if (config.migrate) await migrateDatabase(config.databaseUrl);
  const database = await createDatabase(config.databaseUrl);
  const events = createEventBus(config.redisUrl);
  const container = createContainer({ config, database, events, clock: overrides.clock });
  const services = resolveServices(container);
  const yoga = createOrdoYoga({
    graphiql: config.graphiql,
    logger,
    context: () => ({ db: database.client, services, events }),
  });
  let http: Server | null = null;
  let ws: { dispose(): Promise<void> } | null = null;

  return {
    yoga,
    container,
    database,
    events,
    logger,
    async start() {
      http = createServer(yoga);
      ws = attachGraphQLWs(http, yoga);
      await new Promise<void>((resolve, reject) => {
        http!.once("error", reject);
        http!.listen(config.port, config.host, () => resolve());
      });
      const { port } = http.address() as AddressInfo;
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      return { url: `http://${host}:${port}${yoga.graphqlEndpoint}`, port };
    },
    async stop() {
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
