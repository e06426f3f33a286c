// The background loops as `npm start` runs them: a started server schedules a new deployment's
// runs and refills after a resume on its own; on PostgreSQL only one replica holds the
// scheduler's leader lock at a time.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultServiceSettings } from "../../src/config.js";
import { createLeaderLock } from "../../src/db/advisory-lock.js";
import { graphql } from "../harness/documents.js";
import { eventually } from "../harness/eventually.js";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  const d = defaultServiceSettings();
  t = await createTestApp({
    services: {
      ...d,
      enabled: true,
      scheduler: { ...d.scheduler, loopSeconds: 1, recentLoopSeconds: 1 },
      lateRuns: { loopSeconds: 1, afterSeconds: 15 },
    },
  });
  await t.app.start();
});
afterAll(async () => {
  await t.close();
});

/** The deployment's SCHEDULED runs once there are at least `count` (more than that fails the caller's check). */
async function waitForRuns(deploymentId: string, count: number): Promise<number> {
  return eventually(
    async () => {
      const n = await t.app.database.client.flowRun.count({ where: { deploymentId, stateType: "SCHEDULED" } });
      return n >= count && n;
    },
    { timeoutMs: 15_000, what: `${count} SCHEDULED runs of deployment ${deploymentId}` },
  );
}

describe("background services", () => {
  it("schedule a new deployment's runs, and refill them after pause and resume", async () => {
    const { id } = await applyDeployment(t, {
      flowName: "bg",
      name: "hourly",
      schedules: [{ schedule: { interval: { interval: 3600 } } }],
    });
    expect(await waitForRuns(id, 3)).toBe(3);
    await t.ok(graphql(`mutation($id: ID!) { pauseDeployment(id: $id) { paused } }`), { id });
    expect(await t.app.database.client.flowRun.count({ where: { deploymentId: id } })).toBe(0);
    await t.ok(graphql(`mutation($id: ID!) { resumeDeployment(id: $id) { paused } }`), { id });
    expect(await waitForRuns(id, 3)).toBe(3);
  });
});

describe("scheduler leader lock", () => {
  it("is held by one process at a time on PostgreSQL (always granted on SQLite, one server per file)", async () => {
    const provider = inject("provider");
    const key = 4242;
    const a = createLeaderLock(t.databaseUrl, provider, key);
    const b = createLeaderLock(t.databaseUrl, provider, key);
    try {
      expect(await a.acquire()).toBe(true);
      expect(await a.acquire()).toBe(true);
      expect(await b.acquire()).toBe(provider === "sqlite");
      await a.release();
      expect(await b.acquire()).toBe(true);
    } finally {
      await a.release();
      await b.release();
    }
  });
});
