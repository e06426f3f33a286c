// Leadership among server replicas on PostgreSQL: a session advisory lock held on a dedicated
// connection, so only one replica's scheduler works at a time. SQLite has one server per file.
import type pg from "pg";
import { pgConfigFromUrl } from "./pg-config.js";

export interface LeaderLock {
  /** true while this process holds the lock (tries to take it when it does not) */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export function createLeaderLock(databaseUrl: string, provider: "sqlite" | "postgresql", key: number): LeaderLock {
  if (provider === "sqlite") return { acquire: async () => true, release: async () => {} };
  let client: pg.Client | null = null;
  let held = false;
  return {
    async acquire() {
      if (held && client) return true;
      try {
        client ??= await connect(databaseUrl, () => {
          // a dropped connection loses the lock: take it again on the next pass
          client = null;
          held = false;
        });
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
        held = rows[0]?.locked === true;
      } catch {
        held = false;
      }
      return held;
    },
    async release() {
      const c = client;
      client = null;
      held = false;
      await c?.end().catch(() => undefined);
    },
  };
}

async function connect(url: string, onLost: () => void): Promise<pg.Client> {
  const { default: pgDriver } = await import("pg");
  // bounded: an unreachable server must not hold the scheduler's pass for the OS's TCP timeout
  const c = new pgDriver.Client({ ...pgConfigFromUrl(url), connectionTimeoutMillis: 10_000 });
  c.on("error", onLost);
  c.on("end", onLost);
  await c.connect();
  return c;
}
