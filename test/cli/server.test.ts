// `ordo server start` as a user runs it, from a folder outside the repository: it serves the API
// on the given port, passes settings through, stops cleanly on SIGTERM, and refuses bad flags.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ordo } from "../harness/cli.js";
import { eventually } from "../harness/eventually.js";
import { adminHeaders } from "../harness/server-homes.js";
import { freshDatabaseUrl } from "../harness/test-database.js";
import { ORDO_BIN } from "../harness/worker-process.js";
import { expectFailure, expectHelp } from "./expect-cli.js";

const home = mkdtempSync(path.join(os.tmpdir(), "ordo-cli-server-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [ORDO_BIN, "server", "start", ...args], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ORDO_HOME: home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe("ordo server start", () => {
  it("serves the API on the --port given, and stops on SIGTERM with exit 0", async () => {
    const server = start(["--host", "127.0.0.1", "--port", "0"], {
      ORDO_DATABASE_URL: await freshDatabaseUrl(),
      ORDO_SERVICES: "false",
    });
    let url: string | undefined;
    try {
      url = await eventually(
        () => {
          if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`);
          return /ready at (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(server.output())?.[1];
        },
        { timeoutMs: 60_000, what: () => `the "ready at" line:\n${server.output()}` },
      );
      const res = await fetch(url!, {
        method: "POST",
        headers: { "content-type": "application/json", ...adminHeaders(home) },
        body: JSON.stringify({ query: "{ workPools { name } }" }),
      });
      expect(await res.json()).toEqual({ data: { workPools: [] } });
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited, server.output()).toBe(0);
    expect(server.output()).toContain("SIGTERM: shutting down");
    // the server went with it
    await expect(fetch(url!, { method: "POST" })).rejects.toThrow();
  });

  it("exits 1 with the server's own message on bad settings, before touching a database", async () => {
    const bad = start([], { ORDO_DATABASE_URL: "mysql://nope", ORDO_PORT: "0" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/Invalid Ordo settings[\s\S]*ORDO_DATABASE_URL="mysql:\/\/nope"/);
    expect(existsSync(path.join(home, "ordo.db"))).toBe(false);
  });

  it("--help names the options; a bad --port is refused with one line", async () => {
    const [help, port, text] = await Promise.all([
      ordo("http://unused", ["server", "start", "--help"]),
      ordo("http://unused", ["server", "start", "--port", "70000"]),
      ordo("http://unused", ["server", "start", "--port", "http"]),
    ]);
    expectHelp(help, "--host", "--port", "ORDO_DATABASE_URL");
    expectFailure(port, /--port must be a whole number from 0 to 65535, not "70000"/);
    expectFailure(text, /--port must be a whole number from 0 to 65535, not "http"/);
  });
});
