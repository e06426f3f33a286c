// Test runner: unit tests beside the code (src/, plugins/), integration and e2e tests in test/.
// The `sqlite` project runs everything on SQLite files. With ORDO_TEST_DATABASE_URL set, a
// `postgresql` project runs the suites that reach the database (integration, e2e) again on that
// server IN THE SAME RUN: one scheduler keeps both cores busy to the end, instead of two passes
// each ending on one long file. globalSetup migrates one template database per project.
import { defineConfig } from "vitest/config";
import SlowFilesFirst from "./test/harness/slow-files-first.js";

const shared = {
  environment: "node" as const,
  setupFiles: ["reflect-metadata"],
  globalSetup: ["test/harness/global-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

/**
 * e2e files run on SQLite only: plugin loading at boot; the executor and worker processes (they
 * reach the database only through API calls — claims, leases, states — that the integration
 * suites, crash recovery and the deployment lifecycle cover on PostgreSQL); the query limits
 * (refused before any resolver runs); the storage catalog (the plugins' servers and the worker's
 * pull — the server's side of it is a deployment and runs, covered on PostgreSQL elsewhere).
 */
const DATABASE_AGNOSTIC_E2E = [
  "test/e2e/plugin-boot.test.ts",
  "test/e2e/executor.test.ts",
  "test/e2e/worker.test.ts",
  "test/e2e/query-limits.test.ts",
  "test/e2e/storage-catalog.test.ts",
];

export default defineConfig({
  // "ordo" and "ordo/blocks-sdk" (imported by plugins and fixtures) resolve to the sources, as the
  // rest of the suite; processes the tests start run the compiled dist/ (`pretest` builds it)
  ssr: { resolve: { conditions: ["ordo-source", "module", "node", "development|production"] } },
  resolve: { conditions: ["ordo-source", "module", "node", "development|production"] },
  test: {
    pool: "forks",
    // most suites wait on real processes (servers, workers, flows): two files at once keep both
    // cores busy (vitest's default on a 2-core machine is one)
    maxWorkers: 2,
    sequence: { sequencer: SlowFilesFirst },
    projects: [
      { test: { ...shared, name: "sqlite", include: ["src/**/*.test.ts", "plugins/**/*.test.ts", "test/**/*.test.ts"] } },
      ...(process.env.ORDO_TEST_DATABASE_URL
        ? [{ test: { ...shared, name: "postgresql", include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"], exclude: DATABASE_AGNOSTIC_E2E } }]
        : []),
    ],
  },
});
