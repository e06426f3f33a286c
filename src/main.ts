// `npm start`: the Ordo server with its defaults (SQLite under ~/.ordo, port 4200).
import "reflect-metadata";
import { ConfigError, loadConfig } from "./config.js";
import { buildApp } from "./server/app.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  const { url } = await app.start();
  const where = config.databaseUrl.startsWith("file:") ? config.databaseUrl.slice(5) : "PostgreSQL";
  const dashboard = config.dashboard ? `, dashboard at ${new URL("/", url).href}` : "";
  app.logger.info(`Ordo server ready at ${url} (GraphiQL in a browser${dashboard}), database: ${where}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal}: shutting down`);
    app.stop().then(
      () => process.exit(0),
      (e) => {
        app.logger.error("shutdown failed", e);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
  } else {
    process.stderr.write(`Ordo server failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.exit(1);
});
