// The packed `ordo` package used as a user uses it (README "Use Ordo in your project" and "Write a
// block plugin"): `npm pack`, installed from the tarball into a project folder outside the
// repository, and there the server, a worker, a TypeScript flow, serve(), the project's own `tsc`,
// and a third-party block plugin package built against the packed SDK and installed beside it.
//
// Installs run with --ignore-scripts and take better-sqlite3's compiled addon from the
// repository's own install: compiling it again takes over a minute on these machines, and the
// addon is the only install script the package needs (Ordo's own package has none).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../harness/eventually.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO, "test/fixtures/package");
const VERSION = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
const run = promisify(execFile);

const root = mkdtempSync(path.join(os.tmpdir(), "ordo-package-"));
const project = path.join(root, "my-flows");
const pluginDir = path.join(root, "ordo-plugin-vault-folder");
const home = path.join(root, "ordo-home");
const children = new Set<ChildProcess>();
let apiUrl = "";
let tarball = "";

/** The environment of the user's shell: nothing of the test runner's (no tsx, no vitest, no ORDO_*). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    npm_config_nodedir: process.env.npm_config_nodedir ?? "/usr",
    ORDO_HOME: home,
    NO_COLOR: "1",
    ...(apiUrl ? { ORDO_API_URL: apiUrl } : {}),
    ...extra,
  };
}

/** A command in a folder, as typed in a shell; fails with its output unless it exits 0. */
async function sh(cwd: string, command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      env: userEnv(),
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`,
    );
  }
}

/** npm install from the cache where it can (the repository's install filled it), scripts off (see the header). */
const npmInstall = (cwd: string, ...args: string[]) =>
  sh(cwd, "npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", ...args], 240_000);

/** A long-running command (server, worker, serve script): its output collected, killed after the suite. */
function background(
  cwd: string,
  command: string,
  args: string[],
): { output: () => string; exited: Promise<number | null>; child: ChildProcess } {
  // a process group of its own, as a terminal's job: Ctrl-C is a SIGINT to the whole group
  const child = spawn(command, args, { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.add(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => (children.delete(child), resolve(code))),
  );
  return { child, output: () => out, exited };
}

const ordo = (...args: string[]) => sh(project, "npx", ["ordo", ...args]);

function copyAddon(into: string): void {
  const addon = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
  mkdirSync(path.dirname(path.join(into, addon)), { recursive: true });
  copyFileSync(path.join(REPO, addon), path.join(into, addon));
}

beforeAll(async () => {
  // `npm pack` in the repository (dist/ is built by `pretest`; prepare would rebuild it)
  const packed = JSON.parse(
    await sh(REPO, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root]),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(root, packed[0]!.filename);
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining([
      "bin/ordo.mjs",
      "dist/src/sdk/index.js",
      "dist/src/sdk/index.d.ts",
      "dist/src/blocks/sdk.d.ts",
      "dist/plugins/process/index.js",
      "dist/ui/index.html",
    ]),
  );
  expect(files.some((f) => f.includes(".test."))).toBe(false);

  // a third-party plugin in a folder of its own, built with tsc against Ordo's SDK types (the same
  // dist/ files the tarball holds: the repository's node_modules stand in for its author's
  // `npm install -D ordo typescript @types/node`), then packed
  cpSync(path.join(FIXTURES, "ordo-plugin-vault-folder"), pluginDir, { recursive: true });
  symlinkSync(path.join(REPO, "node_modules"), path.join(pluginDir, "node_modules"), "dir");
  await sh(pluginDir, "npm", ["run", "build"]);
  const plugin = JSON.parse(
    await sh(pluginDir, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root]),
  ) as Array<{ filename: string }>;

  // the user's project: `npm init -y`, then in one install ordo and the plugin from their
  // tarballs, and TypeScript for the project's own checks
  mkdirSync(project);
  await sh(project, "npm", ["init", "-y"]);
  await npmInstall(project, tarball, path.join(root, plugin[0]!.filename), "typescript@^5.9", "@types/node@^20");
  copyAddon(project);
  cpSync(path.join(FIXTURES, "project"), project, { recursive: true });

  // terminal 1: the server
  const server = background(project, "npx", ["ordo", "server", "start", "--port", "0"]);
  apiUrl = await eventually(
    () => {
      const url = /ready at (http:\/\/\S+)/.exec(server.output())?.[1];
      if (!url && server.child.exitCode !== null) throw new Error(server.output());
      return url;
    },
    { timeoutMs: 60_000, what: "the server to start", intervalMs: 250 },
  );
}, 600_000);

afterAll(async () => {
  for (const child of children) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe("ordo installed from its tarball in a user's project", () => {
  it("answers --version with the package's version", async () => {
    expect((await ordo("--version")).trim()).toBe(VERSION);
  });

  it("serves its built dashboard at / (the app's URLs and its assets) beside /graphql", async () => {
    const origin = new URL(apiUrl).origin;
    const page = await fetch(`${origin}/runs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\//);
    const asset = await fetch(`${origin}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(10_000);
  });

  it("builds a TypeScript flow of the project, and a worker started there runs it to COMPLETED", async () => {
    await ordo("work-pool", "create", "local", "--type", "process");
    await ordo(
      "block",
      "create",
      "local-file-system",
      "my-code",
      "--data",
      JSON.stringify({ basePath: path.join(project, ".ordo-storage") }),
    );
    await ordo(
      "deployment",
      "build",
      "flow.ts:hello",
      "-n",
      "first",
      "-p",
      "local",
      "-sb",
      "local-file-system/my-code/hello",
      "--apply",
    );
    const worker = background(project, "npx", ["ordo", "worker", "start", "--pool", "local"]);
    const watched = await ordo("deployment", "run", "hello/first", "--param", "name=Ada", "--watch");
    expect(watched).toMatch(/COMPLETED/);
    await eventually(() => worker.output().includes("Hello Ada!"), {
      timeoutMs: 10_000,
      what: "the flow's log line in the worker's output",
      intervalMs: 250,
    });
    // the upload skipped node_modules (the default .ordoignore)
    expect(readdirSync(path.join(project, ".ordo-storage/hello"))).not.toContain("node_modules");
  }, 90_000);

  it("says what to do when a flow file of the project does not load: a missing package, a syntax error", async () => {
    writeFileSync(
      path.join(project, "needs-lib.ts"),
      `import pad from "left-pad-not-installed";\nexport const f = () => pad;\n`,
    );
    writeFileSync(path.join(project, "broken.ts"), `export const f = () => {\n  return 1 +;\n};\n`);
    const failure = (args: string[]) =>
      sh(project, "npx", ["ordo", ...args]).then(
        () => Promise.reject(new Error(`ordo ${args.join(" ")} succeeded`)),
        (e: Error) => e.message,
      );
    const missing = await failure(["deployment", "build", "needs-lib.ts:f", "-n", "x", "-p", "local"]);
    expect(missing).toContain(`the package "left-pad-not-installed"`);
    expect(missing).toContain("npm install left-pad-not-installed");
    const broken = await failure(["deployment", "build", "broken.ts:f", "-n", "x", "-p", "local"]);
    expect(broken).toMatch(/syntax error: .*broken\.ts:2:\d+: ERROR/);
    rmSync(path.join(project, "needs-lib.ts"));
    rmSync(path.join(project, "broken.ts"));
  });

  it("type-checks the project's files that import ordo and ordo/blocks-sdk with the project's own tsc", async () => {
    writeFileSync(
      path.join(project, "check.ts"),
      [
        `import { flow, getRunContext, toDeployment, type RunLogger } from "ordo";`,
        `import { defineBlockType, type ConfigOf } from "ordo/blocks-sdk";`,
        `export const f = flow({ name: "f" }, async ({ n }: { n: number }) => n * 2);`,
        `export const d = toDeployment(f, { name: "x", parameters: { n: 1 } });`,
        `export const ctx: (() => unknown) = getRunContext;`,
        `export type L = RunLogger;`,
        `export type C = ConfigOf<{ type: "object"; properties: { a: { type: "string" } }; required: ["a"] }>;`,
        `export const c: C = { a: "x" };`,
        `// @ts-expect-error a is a string`,
        `export const wrong: C = { a: 1 };`,
        `export const dt = defineBlockType;`,
      ].join("\n"),
    );
    // the same file as an ES module (.mts): one tsc run checks both resolutions of the package
    copyFileSync(path.join(project, "check.ts"), path.join(project, "check.mts"));
    await sh(project, "npx", ["tsc", "-p", "."]);
  }, 60_000);

  it("discovers the installed plugin package with no configuration, masks its secret, and a worker pulls code through it", async () => {
    const types = await ordo("block", "types");
    expect(types).toContain("vault-folder");
    await ordo(
      "block",
      "create",
      "vault-folder",
      "vault",
      "--data",
      JSON.stringify({ folder: path.join(root, "vault"), token: "s3cret-t0ken" }),
    );
    const shown = await ordo("block", "inspect", "vault-folder/vault");
    expect(shown).toContain("********");
    expect(shown).not.toContain("s3cret-t0ken");
    await ordo(
      "deployment",
      "build",
      "flow.ts:hello",
      "-n",
      "vaulted",
      "-p",
      "vault-pool",
      "-sb",
      "vault-folder/vault/hello",
      "--apply",
    );
    expect(readdirSync(path.join(root, "vault/hello"))).toContain("flow.ts");
    const worker = background(project, "npx", ["ordo", "worker", "start", "--pool", "vault-pool"]);
    expect(await ordo("deployment", "run", "hello/vaulted", "--param", "name=Vault", "--watch")).toMatch(/COMPLETED/);
    await eventually(() => worker.output().includes("Hello Vault!"), {
      timeoutMs: 10_000,
      what: "the flow's log line",
      intervalMs: 250,
    });
    expect(worker.output()).toContain("vault-folder: opened with a 12-character token");
    expect(worker.output()).not.toContain("s3cret-t0ken");
  }, 90_000);

  it("serve() from a script of the project runs its scheduled flow with no work pool, and pauses it on Ctrl-C", async () => {
    const served = background(project, "npx", ["tsx", "serve.ts"]);
    // polled over the API (an `npx ordo` per poll costs two node processes); the CLI lists it after
    const key = readFileSync(path.join(home, "api-key"), "utf8").trim();
    const completed = async () => {
      const res = await fetch(apiUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({
          query: `{ deployment(slug: "tick/every-5s") { flowRuns(filter: { stateTypes: [COMPLETED] }) { totalCount } } }`,
        }),
      });
      const body = (await res.json()) as { data?: { deployment: { flowRuns: { totalCount: number } } | null } };
      return body.data?.deployment?.flowRuns.totalCount ?? 0;
    };
    await eventually(
      async () => {
        if (served.child.exitCode !== null) throw new Error(`serve.ts exited:\n${served.output()}`);
        return (await completed()) > 0;
      },
      { timeoutMs: 90_000, what: "a scheduled run of the served flow to complete", intervalMs: 250 },
    ).catch((e: Error) => Promise.reject(new Error(`${e.message}; serve.ts printed:\n${served.output()}`)));
    const ran = JSON.parse(
      await ordo("flow-run", "ls", "--deployment", "tick/every-5s", "--state", "COMPLETED", "--json"),
    ) as Array<{ id: string }>;
    expect(ran.length).toBeGreaterThan(0);
    const deployment = JSON.parse(await ordo("deployment", "inspect", "tick/every-5s", "--json")) as {
      workPool: unknown;
      paused: boolean;
    };
    expect(deployment.workPool ?? null).toBeNull();
    process.kill(-served.child.pid!, "SIGINT");
    await served.exited;
    expect(served.output()).toContain("ordo serve: stopping");
    expect(
      (JSON.parse(await ordo("deployment", "inspect", "tick/every-5s", "--json")) as { paused: boolean }).paused,
    ).toBe(true);
  }, 120_000);
});
