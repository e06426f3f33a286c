// Builds an Ordo app on a fresh database for one test file, with a movable clock, and a typed-enough
// helper to run GraphQL through yoga.fetch (no network) or against the started server.
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type OrdoConfig } from "../../src/config.js";
import { buildApp, type OrdoApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/logger.js";
import type { Clock } from "../../src/tokens.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type GraphQLClient, operationText, type Variables } from "./documents.js";
import { localAdminKey, registerServerHome } from "./server-homes.js";
import { freshDatabaseUrl } from "./test-database.js";

/**
 * Real time plus an offset, or — once frozen — a fixed instant that only `advance` moves. Tests that
 * count scheduled runs freeze it: with a moving clock a minute boundary crossed mid-test tops up
 * every-minute schedules by one run and the counts drift (the old `expected 306 to be 305` flake).
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    if (this.frozenAt !== null) this.frozenAt += seconds * 1000;
    else this.offsetMs += seconds * 1000;
  }
  /** Stops the clock at its current reading (or at `at`). */
  freeze(at: Date = this.now()): void {
    this.frozenAt = at.getTime();
  }
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestApp {
  app: OrdoApp;
  clock: TestClock;
  databaseUrl: string;
  /** the app's ORDO_HOME, where it wrote its local admin key */
  home: string;
  /** the local admin key gql() and ok() send (undefined when auth is off) */
  adminKey: string | undefined;
  /** runs an operation in-process through yoga.fetch, as the local admin */
  gql<R, V extends Variables>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  gql<T = any>(query: string, variables?: Variables): Promise<GraphQLResponse<T>>;
  /** the same with the caller's own headers (another key, none, an Origin …) */
  gqlWith<R, V extends Variables>(
    headers: Record<string, string>,
    document: TypedDocumentNode<R, V>,
    variables?: V,
  ): Promise<GraphQLResponse<R>>;
  gqlWith<T = any>(headers: Record<string, string>, query: string, variables?: Variables): Promise<GraphQLResponse<T>>;
  /** like gql, but fails the test when the response has errors */
  ok: GraphQLClient["ok"];
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<OrdoConfig> = {}): Promise<TestApp> {
  // a second app on the same database (replica tests) passes databaseUrl explicitly
  const databaseUrl = overrides.databaseUrl ?? (await freshDatabaseUrl());
  const clock = new TestClock();
  // the real settings loader with a test environment: services off (tests run passes by hand)
  // its own home: generated files (API key, secret key) never touch the user's ~/.ordo
  const home = mkdtempSync(path.join(os.tmpdir(), "ordo-app-"));
  const base = loadConfig({
    ORDO_HOME: home,
    ORDO_PORT: "0",
    ORDO_LOG_LEVEL: "error",
    ORDO_GRAPHIQL: "false",
    ORDO_MIGRATE: "false",
  });
  const config: OrdoConfig = {
    ...base,
    databaseUrl,
    ...overrides,
    services: { ...base.services, enabled: false, ...overrides.services },
  };
  const app = await buildApp(config, { clock, logger: createLogger("error") });
  const adminKey = config.auth ? localAdminKey(config.home) : undefined;
  // spawned CLI commands and workers find the key through the server's home, as a user's would
  const start = app.start.bind(app);
  app.start = async () => {
    const started = await start();
    registerServerHome(started.url, config.home);
    return started;
  };
  // a loopback name, as ORDO_AUTH=off test apps answer no other Host (DNS rebinding)
  const gqlWith = async (
    headers: Record<string, string>,
    operation: TypedDocumentNode<unknown, any> | string,
    variables?: Variables,
  ): Promise<GraphQLResponse<any>> => {
    const res = await app.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: operationText(operation), variables }),
    });
    return (await res.json()) as GraphQLResponse<any>;
  };
  const gql = (operation: TypedDocumentNode<unknown, any> | string, variables?: Variables) =>
    gqlWith(adminKey ? { authorization: `Bearer ${adminKey}` } : {}, operation, variables);
  return {
    app,
    clock,
    databaseUrl,
    home: config.home,
    adminKey,
    gql,
    gqlWith,
    async ok(operation: TypedDocumentNode<unknown, any> | string, variables?: Variables) {
      const r = await gql(operation, variables);
      if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors, null, 2)}`);
      return r.data;
    },
    async close() {
      await app.stop();
      rmSync(config.home, { recursive: true, force: true });
    },
  };
}
