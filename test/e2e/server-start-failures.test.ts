// `npm start` on a database it cannot open prints the cause in words and exits 1 — not Prisma's
// "External error id#0" or a stack: a folder where the file should be, a folder it may not write,
// a PostgreSQL nobody answers at, a database that does not exist. The file and unreachable cases
// use no database server, so they run once (in the sqlite project).
import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startServer, type ServerProcess } from "../harness/server-process.js";

const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ordo-start-"));
  dirs.push(dir);
  return dir;
}

/** The one line a failed start prints, after checking it failed with exit code 1 and no stack. */
async function failure(server: ServerProcess): Promise<string> {
  expect(await server.exited).toBe(1);
  const out = server.output();
  expect(out).not.toMatch(/\n\s+at |External error|ready at/);
  return out;
}

/** A TCP port nothing listens on (taken, then freed). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Root may write anywhere, so "permission denied" needs another user: as root the server runs as
 * nobody (65534), with the same command as startServer; otherwise as the current user.
 */
function startUnprivileged(env: Record<string, string>): ServerProcess {
  if (process.getuid?.() !== 0) return startServer(env);
  const child = spawn(process.execPath, ["dist/src/main.js"], {
    cwd: root,
    uid: 65534,
    gid: 65534,
    env: { PATH: process.env.PATH ?? "", HOME: env.ORDO_HOME!, ORDO_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, output: () => out, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

describe.runIf(inject("provider") === "sqlite").concurrent("start-up failures without a database server", () => {
  it("a folder as the SQLite database path", async () => {
    const home = tempDir();
    const db = path.join(home, "ordo.db");
    mkdirSync(db);
    const out = await failure(startServer({ ORDO_HOME: home, ORDO_DATABASE_URL: `file:${db}` }));
    expect(out).toContain(`cannot open SQLite database at ${db}: it is a directory`);
  });

  it("an SQLite folder the server may not write", async () => {
    const home = tempDir();
    const locked = path.join(home, "locked");
    mkdirSync(locked, { mode: 0o700 });
    if (process.getuid?.() === 0)
      chownSync(home, 65534, 65534); // nobody's home; "locked" stays root's
    else chmodSync(locked, 0o500);
    const db = path.join(locked, "ordo.db");
    const out = await failure(startUnprivileged({ ORDO_HOME: home, ORDO_DATABASE_URL: `file:${db}` }));
    expect(out).toContain(`cannot open SQLite database at ${db}: permission denied`);
  });

  it("a PostgreSQL server nobody answers at", async () => {
    const port = await freePort();
    const out = await failure(
      startServer({ ORDO_HOME: tempDir(), ORDO_DATABASE_URL: `postgresql://ordo@127.0.0.1:${port}/ordo` }),
    );
    expect(out).toContain(`PostgreSQL at 127.0.0.1:${port} unreachable (ECONNREFUSED)`);
  });
});

describe.runIf(inject("provider") === "postgresql")("start-up failures on a real PostgreSQL server", () => {
  it("a database that does not exist", async () => {
    const url = new URL(inject("templateDatabaseUrl"));
    url.pathname = "/ordo_no_such_database";
    const out = await failure(startServer({ ORDO_HOME: tempDir(), ORDO_DATABASE_URL: url.toString() }));
    expect(out).toContain(
      `database "ordo_no_such_database" does not exist on PostgreSQL at ${url.hostname}:${url.port || 5432}`,
    );
  });
});
