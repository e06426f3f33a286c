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
  /** Redis channel prefix; default derived from the database's identity */
  redisPrefix: string | null;
  logLevel: "debug" | "info" | "warn" | "error";
  graphiql: boolean;
  /** the web dashboard at / (ORDO_DASHBOARD) */
  dashboard: boolean;
  /** apply pending migrations at start */
  migrate: boolean;
  services: ServiceSettings;
  /** third-party block plugin packages to load besides plugins/* and marked packages */
  plugins: string[];
  /** base64 of 32 bytes; when absent a key is generated once into $ORDO_HOME/secret.key */
  encryptionKey: string | null;
  /** API keys required on every request (ORDO_AUTH=off: trusted setups and some tests, loopback only) */
  auth: boolean;
  /** browser origins allowed by CORS and on WebSocket/SSE besides the server's own (exact match) */
  corsOrigins: string[];
  /** GraphQL field suggestions in errors ("did you mean …"): development only */
  graphqlDev: boolean;
}

/** Background services; the numbers are Prefect's defaults (prefect-server-notes §3). */
export interface ServiceSettings {
  /** run the background loops at all (tests drive them by hand) */
  enabled: boolean;
  scheduler: {
    loopSeconds: number;
    /** the fast pass for deployments changed since the last pass */
    recentLoopSeconds: number;
    minRuns: number;
    maxRuns: number;
    minScheduledTimeSeconds: number;
    maxScheduledTimeSeconds: number;
    insertBatchSize: number;
  };
  lateRuns: { loopSeconds: number; afterSeconds: number };
  /** crash detection (runs whose worker or executor went silent) and the CANCELLING timeout */
  leases: { loopSeconds: number; runLeaseSeconds: number; cancellingTimeoutSeconds: number };
}

/** env variable → [path in ServiceSettings, default, minimum] */
const NUMERIC_SETTINGS = {
  ORDO_SCHEDULER_LOOP_SECONDS: ["scheduler.loopSeconds", 60, 1],
  ORDO_SCHEDULER_RECENT_LOOP_SECONDS: ["scheduler.recentLoopSeconds", 5, 1],
  ORDO_SCHEDULER_MIN_RUNS: ["scheduler.minRuns", 3, 0],
  ORDO_SCHEDULER_MAX_RUNS: ["scheduler.maxRuns", 100, 1],
  ORDO_SCHEDULER_MIN_SCHEDULED_TIME_SECONDS: ["scheduler.minScheduledTimeSeconds", 3600, 0],
  ORDO_SCHEDULER_MAX_SCHEDULED_TIME_SECONDS: ["scheduler.maxScheduledTimeSeconds", 100 * 86400, 60],
  ORDO_SCHEDULER_INSERT_BATCH_SIZE: ["scheduler.insertBatchSize", 500, 1],
  ORDO_LATE_RUNS_LOOP_SECONDS: ["lateRuns.loopSeconds", 5, 1],
  ORDO_LATE_RUNS_AFTER_SECONDS: ["lateRuns.afterSeconds", 15, 0],
  ORDO_LEASE_LOOP_SECONDS: ["leases.loopSeconds", 15, 1],
  ORDO_RUN_LEASE_SECONDS: ["leases.runLeaseSeconds", 90, 1],
  ORDO_CANCELLING_TIMEOUT_SECONDS: ["leases.cancellingTimeoutSeconds", 300, 1],
} as const;

const ENV_SCHEMA = {
  type: "object",
  properties: {
    ORDO_HOME: { type: "string", minLength: 1 },
    ORDO_DATABASE_URL: { type: "string", pattern: "^(file:.+|postgres(ql)?://.+)$" },
    ORDO_HOST: { type: "string", minLength: 1 },
    ORDO_PORT: { type: "string", pattern: "^[0-9]{1,5}$" },
    ORDO_REDIS_URL: { type: "string", pattern: "^rediss?://.+" },
    ORDO_REDIS_PREFIX: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,100}$" },
    ORDO_LOG_LEVEL: { enum: ["debug", "info", "warn", "error"] },
    ORDO_GRAPHIQL: { enum: ["true", "false", "1", "0"] },
    ORDO_DASHBOARD: { enum: ["true", "false", "1", "0"] },
    ORDO_MIGRATE: { enum: ["true", "false", "1", "0"] },
    ORDO_SERVICES: { enum: ["true", "false", "1", "0"] },
    ORDO_PLUGINS: { type: "string", pattern: "^\\s*[@a-zA-Z0-9._/-]+(\\s*,\\s*[@a-zA-Z0-9._/-]+)*\\s*$" },
    ORDO_ENCRYPTION_KEY: { type: "string", pattern: "^[A-Za-z0-9+/_-]{43}=?$" },
    ORDO_AUTH: { enum: ["on", "off", "true", "false", "1", "0"] },
    ORDO_CORS_ORIGINS: { type: "string", pattern: "^\\s*https?://[^\\s,/]+(\\s*,\\s*https?://[^\\s,/]+)*\\s*$" },
    ORDO_GRAPHQL_DEV: { enum: ["true", "false", "1", "0"] },
    ...Object.fromEntries(Object.keys(NUMERIC_SETTINGS).map((k) => [k, { type: "string", pattern: "^[0-9]+$" }])),
  },
} as const;

const HINTS: Record<string, string> = {
  ORDO_DATABASE_URL: "expected file:/path/to/ordo.db or postgresql://user:pass@host:5432/db",
  ORDO_PORT: "expected a port number",
  ORDO_REDIS_URL: "expected redis://host:6379",
  ORDO_PLUGINS: "expected package names separated by commas",
  ORDO_ENCRYPTION_KEY: "expected 32 random bytes in base64, e.g. `openssl rand -base64 32`",
  ORDO_AUTH: "expected on or off",
  ORDO_CORS_ORIGINS: "expected origins separated by commas, e.g. https://ui.example.com,http://localhost:5173",
};

export class ConfigError extends Error {}

/** Settings echoed in errors never show a key or a password. */
function shown(name: string, value: string | undefined): string {
  if (name === "ORDO_ENCRYPTION_KEY") return "(hidden)";
  return JSON.stringify(value?.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1****@"));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrdoConfig {
  const vars = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith("ORDO_") && v !== "" && v !== undefined),
  );
  const validate = new Ajv({ allErrors: true }).compile(ENV_SCHEMA);
  if (!validate(vars)) {
    const lines = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.slice(1);
      return `  ${name}=${shown(name, vars[name])}: ${e.message}${HINTS[name] ? ` (${HINTS[name]})` : ""}`;
    });
    throw new ConfigError(`Invalid Ordo settings:\n${lines.join("\n")}`);
  }
  const flag = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === "true" || v === "1");
  const home = path.resolve(vars.ORDO_HOME ?? path.join(os.homedir(), ".ordo"));
  const port = Number(vars.ORDO_PORT ?? 4200);
  const services = defaultServiceSettings();
  for (const [name, [at, , min]] of Object.entries(NUMERIC_SETTINGS)) {
    const raw = vars[name];
    if (raw === undefined) continue;
    if (Number(raw) < min) throw new ConfigError(`Invalid Ordo settings:\n  ${name}=${raw}: must be at least ${min}`);
    const [group, key] = at.split(".") as [keyof Omit<ServiceSettings, "enabled">, string];
    (services[group] as Record<string, number>)[key] = Number(raw);
  }
  services.enabled = flag(vars.ORDO_SERVICES, true);
  if (port > 65535) throw new ConfigError(`Invalid Ordo settings:\n  ORDO_PORT=${port}: must be at most 65535`);
  return {
    home,
    databaseUrl: vars.ORDO_DATABASE_URL ?? `file:${path.join(home, "ordo.db")}`,
    host: vars.ORDO_HOST ?? "127.0.0.1",
    port,
    redisUrl: vars.ORDO_REDIS_URL ?? null,
    redisPrefix: vars.ORDO_REDIS_PREFIX ?? null,
    logLevel: (vars.ORDO_LOG_LEVEL as OrdoConfig["logLevel"]) ?? "info",
    graphiql: flag(vars.ORDO_GRAPHIQL, true),
    dashboard: flag(vars.ORDO_DASHBOARD, true),
    migrate: flag(vars.ORDO_MIGRATE, true),
    services,
    plugins: (vars.ORDO_PLUGINS ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    encryptionKey: vars.ORDO_ENCRYPTION_KEY ?? null,
    auth: vars.ORDO_AUTH === undefined ? true : ["on", "true", "1"].includes(vars.ORDO_AUTH),
    corsOrigins: (vars.ORDO_CORS_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    graphqlDev: flag(vars.ORDO_GRAPHQL_DEV, false),
  };
}

export function defaultServiceSettings(): ServiceSettings {
  const settings = { enabled: true, scheduler: {}, lateRuns: {}, leases: {} } as ServiceSettings;
  for (const [at, dflt] of Object.values(NUMERIC_SETTINGS)) {
    const [group, key] = at.split(".") as [keyof Omit<ServiceSettings, "enabled">, string];
    (settings[group] as Record<string, number>)[key] = dflt;
  }
  return settings;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
