// Test runner: unit tests beside the code (src/, plugins/), integration and e2e tests in test/.
// Projects `unit` (beside the code), `integration`, `e2e`, `cli` and `ui` (test/, on SQLite files). With
// ORDO_TEST_DATABASE_URL set, a `postgresql` project runs the suites about the database
// (integration, two e2e) again on that server IN THE SAME RUN: one scheduler keeps both cores busy to the end, instead of two passes
// each ending on one long file. globalSetup migrates one template database per project.
import { configDefaults, defineConfig } from "vitest/config";
import SlowFilesFirst from "./test/harness/slow-files-first.js";

const shared = {
  environment: "node" as const,
  setupFiles: ["reflect-metadata"],
  globalSetup: ["test/harness/global-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

/**
 * On PostgreSQL: the integration suites (every domain rule against the database), and the two
 * end-to-end suites whose subject is the database under a real server — crash recovery (leases,
 * kill -9, restart) and a database outage. The other e2e files (processes, plugins, the CLI's
 * paths through the API) run on SQLite only: what they add on top of the integration suites
 * does not depend on the database, and running them twice does not fit CI's ten minutes.
 */
const POSTGRESQL_E2E = ["test/e2e/crash-recovery.test.ts", "test/e2e/database-outage.test.ts"];

export default defineConfig({
  // "ordo" and "ordo/blocks-sdk" (imported by plugins and fixtures) resolve to the sources, as the
  // rest of the suite; processes the tests start run the compiled dist/ (`pretest` builds it)
  ssr: { resolve: { conditions: ["ordo-source", "module", "node", "development|production"] } },
  resolve: { conditions: ["ordo-source", "module", "node", "development|production"] },
  test: {
    pool: "forks",
    // most suites wait on real processes (servers, workers, flows): three files at once keep both
    // cores busy (vitest's default on a 2-core machine is one; with two, the cores idled ~9% of
    // the run while both files waited, and the suite took ~10% longer)
    maxWorkers: 3,
    sequence: { sequencer: SlowFilesFirst },
    projects: [
      // unit tests share no state between files: one worker process runs many (each file in a
      // fresh process spent more on importing the app than on its tests)
      { test: { ...shared, name: "unit", isolate: false, include: ["src/**/*.test.ts", "plugins/**/*.test.ts"] } },
      // in-process yoga against a real SQLite file; the contract checks (API, layers, SDK)
      {
        test: {
          ...shared,
          name: "integration",
          // files share their worker's imports (the app's modules load once per worker, not per
          // file: import time was half of this project's run); each file builds its own app
          isolate: false,
          include: ["test/integration/**/*.test.ts", "test/contract/**/*.test.ts"],
        },
      },
      {
        test: {
          ...shared,
          name: "e2e",
          isolate: false,
          // real servers, workers and flows; the packed package installed outside the repo
          include: ["test/e2e/**/*.test.ts", "test/package/**/*.test.ts"],
          exclude: [
            ...configDefaults.exclude,
            // crash recovery kills and restarts a server on its database: with PostgreSQL there it
            // runs there only (its SQLite run repeats the same processes for the same rules)
            ...(process.env.ORDO_TEST_DATABASE_URL ? ["test/e2e/crash-recovery.test.ts"] : []),
          ],
        },
      },
      // the ordo command against a real server
      { test: { ...shared, name: "cli", isolate: false, include: ["test/cli/**/*.test.ts"] } },
      // the dashboard in Debian's Chromium (playwright-core) against a real server and worker
      { test: { ...shared, name: "ui", include: ["test/ui/**/*.test.ts"], testTimeout: 90_000 } },
      ...(process.env.ORDO_TEST_DATABASE_URL
        ? [
            {
              test: {
                ...shared,
                name: "postgresql",
                isolate: false,
                include: ["test/integration/**/*.test.ts", ...POSTGRESQL_E2E],
              },
            },
          ]
        : []),
    ],
  },
});
