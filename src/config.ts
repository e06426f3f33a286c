// Settings from environment variables, validated with Ajv at start so a typo stops the server
// with one clear message instead of surfacing later as an odd failure.
import os from "node:os";
import path from "node:path";
import { Ajv } from "ajv";

export interface OrdoConfig {
  /** where the default SQLite file and generated keys live */
  home: string;
  databaseUrl: string;
  host: string;
  port: number;
  /** only when several server replicas share subscriptions */
  redisUrl: string | null;
  logLevel: "debug" | "info" | "warn" | "error";
  graphiql: boolean;
  /** apply pending migrations at start */
  migrate: boolean;
}

const ENV_SCHEMA = {
  type: "object",
  properties: {
    ORDO_HOME: { type: "string", minLength: 1 },
    ORDO_DATABASE_URL: { type: "string", pattern: "^(file:.+|postgres(ql)?://.+)$" },
    ORDO_HOST: { type: "string", minLength: 1 },
    ORDO_PORT: { type: "string", pattern: "^[0-9]{1,5}$" },
    ORDO_REDIS_URL: { type: "string", pattern: "^rediss?://.+" },
    ORDO_LOG_LEVEL: { enum: ["debug", "info", "warn", "error"] },
    ORDO_GRAPHIQL: { enum: ["true", "false", "1", "0"] },
    ORDO_MIGRATE: { enum: ["true", "false", "1", "0"] },
  },
} as const;

const HINTS: Record<string, string> = {
  ORDO_DATABASE_URL: "expected file:/path/to/ordo.db or postgresql://user:pass@host:5432/db",
  ORDO_PORT: "expected a port number",
  ORDO_REDIS_URL: "expected redis://host:6379",
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrdoConfig {
  const vars = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("ORDO_") && v !== "" && v !== undefined));
  const validate = new Ajv({ allErrors: true }).compile(ENV_SCHEMA);
  if (!validate(vars)) {
    const lines = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.slice(1);
      return `  ${name}=${JSON.stringify(vars[name])}: ${e.message}${HINTS[name] ? ` (${HINTS[name]})` : ""}`;
    });
    throw new ConfigError(`Invalid Ordo settings:\n${lines.join("\n")}`);
  }
  const home = path.resolve(vars.ORDO_HOME ?? path.join(os.homedir(), ".ordo"));
  const port = Number(vars.ORDO_PORT ?? 4200);
  if (port > 65535) throw new ConfigError(`Invalid Ordo settings:\n  ORDO_PORT=${port}: must be at most 65535`);
  const flag = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === "true" || v === "1");
  return {
    home,
    databaseUrl: vars.ORDO_DATABASE_URL ?? `file:${path.join(home, "ordo.db")}`,
    host: vars.ORDO_HOST ?? "127.0.0.1",
    port,
    redisUrl: vars.ORDO_REDIS_URL ?? null,
    logLevel: (vars.ORDO_LOG_LEVEL as OrdoConfig["logLevel"]) ?? "info",
    graphiql: flag(vars.ORDO_GRAPHIQL, true),
    migrate: flag(vars.ORDO_MIGRATE, true),
  };
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
