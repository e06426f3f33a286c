// The dashboard as a user drives it, in Debian's Chromium against a real server (`npm start`) and a
// real worker running real flows: sign-in, offline loading (only the server's origin reachable),
// the live runs list, a custom run refused then accepted, its completion and log line without a
// reload, cancelling a long run, a block with its secret masked, and what a read-only key sees.
// Every page's screenshot is saved under test-results/ui/.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot, signIn, type WatchedPage } from "../harness/browser.js";
import { applyDeployment } from "../harness/factories.js";
import { flowStorageBlock, killRunJobs, type LiveServer, startLiveServer } from "../harness/live-server.js";
import { localAdminKey } from "../harness/server-homes.js";
import { WorkerProcess } from "../harness/worker-process.js";

const POOL = "ui-pool";
let server: LiveServer;
let origin: string;
let adminKey: string;
let browser: Browser;
let store: string;
let workerHome: string;
const deployments: Record<string, string> = {};
const pages: WatchedPage[] = [];

beforeAll(async () => {
  // GraphiQL on, as a user's server has it; late-run labelling out of the way of slow claims
  server = await startLiveServer({ ORDO_GRAPHIQL: "true", ORDO_LATE_RUNS_AFTER_SECONDS: "3600" });
  origin = new URL(server.url).origin;
  adminKey = localAdminKey(server.home)!;
  store = await flowStorageBlock(server, "ui-code");
  await server.ok(`mutation { createWorkPool(input: { name: "${POOL}", type: "process" }) { id } }`);
  const storage = { workPoolName: POOL, storageBlock: "local-file-system/ui-code/flows" };
  deployments.hello = (
    await applyDeployment(server, {
      flowName: "hello",
      name: "greeter",
      entrypoint: "hello.ts:hello",
      parameters: { name: "Ordo" },
      parameterOpenapiSchema: {
        type: "object",
        properties: { name: { type: "string", title: "Name", minLength: 3 } },
        required: ["name"],
      },
      tags: ["ui"],
      schedules: [{ schedule: { cron: { cron: "0 9 * * 1-5", timezone: "Europe/Paris" } }, active: false }],
      ...storage,
    })
  ).id;
  deployments.sleepy = (
    await applyDeployment(server, { flowName: "sleepy", name: "napper", entrypoint: "sleepy.ts:sleepy", ...storage })
  ).id;
  workerHome = await mkdtemp(path.join(os.tmpdir(), "ordo-ui-worker-"));
  const worker = new WorkerProcess(server.url, ["--pool", POOL, "--poll-seconds", "1"], {
    ORDO_HOME: workerHome,
    ORDO_API_KEY: adminKey,
  });
  await worker.waitForLine(/worker .* started: pool ui-pool/, 60_000);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const p of pages) await p.close().catch(() => {});
  await browser?.close();
  await WorkerProcess.killAll();
  if (server) {
    const runs = await server.ok(`{ flowRuns(first: 100) { edges { node { id } } } }`).catch(() => null);
    await killRunJobs(server, runs?.flowRuns.edges.map((e: { node: { id: string } }) => e.node.id) ?? []);
    await server.stop();
  }
  if (store) await rm(store, { recursive: true, force: true });
  if (workerHome) await rm(workerHome, { recursive: true, force: true });
});

async function page(viewport?: { width: number; height: number }): Promise<WatchedPage> {
  const p = await openPage(browser, origin, viewport);
  pages.push(p);
  return p;
}

describe("loading", () => {
  it("asks for a key, refuses a wrong one, and loads with only the server's origin reachable", async () => {
    const w = await page();
    await w.page.goto(`${origin}/runs`);
    await w.page.getByLabel("API key").fill("ordo_not-a-key");
    await w.page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => w.page.getByRole("alert").textContent()).toMatch(/refused this key/);
    await w.page.getByLabel("API key").fill(adminKey);
    await w.page.getByRole("button", { name: "Sign in" }).click();
    await w.page.getByRole("heading", { name: "Flow runs" }).waitFor();
    // the key stays for the tab's session: a reload does not ask again
    await w.page.reload();
    await w.page.getByRole("heading", { name: "Flow runs" }).waitFor();
    expect(w.foreign).toEqual([]);
  });

  it("GraphiQL loads from the server alone", async () => {
    const w = await page();
    await w.page.goto(`${origin}/graphql`);
    await w.page.locator(".graphiql-container").first().waitFor({ timeout: 30_000 });
    await screenshot(w.page, "graphiql");
    expect(w.foreign).toEqual([]);
  });
});
