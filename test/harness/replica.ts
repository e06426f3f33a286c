// A second Ordo server in a child process on the same database (port 0), standing in for another
// replica: SQLite transactions only serialize across processes, and two apps in one process would
// block each other on better-sqlite3's synchronous lock. Commands go over stdin, one per line.
// It shares the app's encryption key (ORDO_ENCRYPTION_KEY): a server with another key refuses
// the database; its own temporary home keeps it away from ~/.ordo.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sameKeyAs } from "./same-key.js";
import { adminHeaders } from "./server-homes.js";
import type { GraphQLResponse, TestApp } from "./test-app.js";

export interface Replica {
  url: string;
  gql(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  /**
   * One scheduler pass in the replica; resolves with its { deployments, runsInserted }. `at` is the
   * replica's "now" for that pass (default: real time), so it can share a frozen test clock.
   */
  schedule(at?: Date): Promise<{ deployments: number; runsInserted: number }>;
  stop(): Promise<void>;
}

/** A replica of `of`: its database, its encryption key. */
export async function startReplica(of: Pick<TestApp, "app" | "databaseUrl">): Promise<Replica> {
  const home = mkdtempSync(path.join(os.tmpdir(), "ordo-replica-"));
  const { encryptionKey } = sameKeyAs(of);
  const mod = (p: string) => JSON.stringify(new URL(`../../src/${p}`, import.meta.url).href);
  const script = `
    import "reflect-metadata";
    import { createInterface } from "node:readline";
    const { buildApp } = await import(${mod("server/app.ts")});
    const { createLogger } = await import(${mod("server/logger.ts")});
    const { loadConfig } = await import(${mod("config.ts")});
    const config = loadConfig({ ORDO_DATABASE_URL: process.env.REPLICA_DATABASE_URL, ORDO_HOME: process.env.REPLICA_HOME,
      ORDO_ENCRYPTION_KEY: process.env.REPLICA_ENCRYPTION_KEY, ORDO_PORT: "0", ORDO_LOG_LEVEL: "error",
      ORDO_GRAPHIQL: "false", ORDO_MIGRATE: "false", ORDO_SERVICES: "false" });
    let pinned = null;
    const clock = { now: () => (pinned ? new Date(pinned) : new Date()) };
    const app = await buildApp(config, { clock, logger: createLogger("error") });
    const { url } = await app.start();
    process.stdout.write("url " + url + "\\n");
    for await (const line of createInterface({ input: process.stdin })) {
      if (line.startsWith("schedule")) {
        pinned = line.split(" ")[1] || null;
        const r = await app.services.scheduling.schedule();
        process.stdout.write("scheduled " + JSON.stringify(r) + "\\n");
      }
    }
    await app.stop();
    process.exit(0);
  `;
  const child = spawn(
    process.execPath,
    ["--conditions=ordo-source", "--import", "tsx", "--input-type=module", "-e", script],
    {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: {
        ...process.env,
        REPLICA_DATABASE_URL: of.databaseUrl,
        REPLICA_HOME: home,
        REPLICA_ENCRYPTION_KEY: encryptionKey,
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => rmSync(home, { recursive: true, force: true }));
  const waiters: Array<{ prefix: string; resolve: (rest: string) => void }> = [];
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const i = waiters.findIndex((w) => line.startsWith(`${w.prefix} `));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line.slice(line.indexOf(" ") + 1));
    }
  });
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      waiters.push({ prefix, resolve });
      void exited.then(() => reject(new Error(`replica exited: ${stderr}`)));
    });
  const url = await next("url");
  return {
    url,
    async gql(query, variables) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...adminHeaders(home) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse;
    },
    async schedule(at) {
      const answer = next("scheduled");
      child.stdin.write(at ? `schedule ${at.toISOString()}\n` : "schedule\n");
      return JSON.parse(await answer);
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
