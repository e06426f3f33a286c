// Debian's Chromium driven by playwright-core for the dashboard's end-to-end tests: one browser per
// file, pages that record console errors and every request that left the server's origin (refused),
// and screenshots saved as test artifacts under test-results/ui/.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.ORDO_TEST_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-results/ui");

/**
 * Flags of reference/stack-notes.md: headless as root, and none of Chromium's own calls home
 * (this machine's closed network refuses them, which would look like the page's doing).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** console errors and warnings, and uncaught page errors */
  problems: string[];
  /** requests to any origin other than the server's: aborted, and listed here */
  foreign: string[];
  close(): Promise<void>;
}

/** A fresh context (own sessionStorage) whose network reaches only `origin`. */
export async function openPage(
  browser: Browser,
  origin: string,
  viewport = { width: 1280, height: 860 },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const problems: string[] = [];
  const foreign: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    foreign.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems, foreign, close: () => context.close() };
}

export async function signIn(page: Page, origin: string, key: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Sections" }).waitFor();
}

/** A full-page PNG in test-results/ui/<name>.png (CI keeps the folder as the run's artifacts). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
