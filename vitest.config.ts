// Test runner: unit tests beside the code (src/, plugins/), integration and e2e tests in test/.
// globalSetup migrates one database per run (SQLite file, or ORDO_TEST_DATABASE_URL for PostgreSQL).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "plugins/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // most suites wait on real processes (servers, workers, flows): two files at once keep both
    // cores busy (vitest's default on a 2-core machine is one)
    maxWorkers: 2,
    setupFiles: ["reflect-metadata"],
    globalSetup: ["test/harness/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
