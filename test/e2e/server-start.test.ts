// `npm start` as a user runs it: the real entry point in a child process, zero configuration
// beyond a home folder and a free port; migrations applied on the way up; GraphiQL served;
// settings validated with a clear message; SIGTERM stops it cleanly.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { adminHeaders } from "../harness/server-homes.js";
import { startServer, waitForUrl } from "../harness/server-process.js";
import { freshDatabaseUrl } from "../harness/test-database.js";

const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

describe("npm start", () => {
  it("starts on an embedded SQLite file under ORDO_HOME, applying migrations, writes a 0600 admin key there, and serves GraphiQL", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "ordo-home-"));
    homes.push(home);
    const server = startServer({ ORDO_HOME: home, ORDO_PORT: "0" });
    try {
      const url = await waitForUrl(server);
      expect(existsSync(path.join(home, "ordo.db"))).toBe(true);
      const page = await fetch(url, { headers: { accept: "text/html" } });
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toMatch(/graphiql/i);
      expect(statSync(path.join(home, "api-key")).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(home, "api-key"), "utf8")).toMatch(/^ordo_[A-Za-z0-9_-]{43}\n$/);
      const apply = (headers: Record<string, string>) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({
            query: 'mutation { applyDeployment(input: { flowName: "f", name: "d" }) { created deployment { slug } } }',
          }),
        });
      // without the key: refused, nothing written
      const refused = await apply({});
      expect(refused.status).toBe(401);
      expect((await refused.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
      const res = await apply(adminHeaders(home));
      expect(await res.json()).toEqual({ data: { applyDeployment: { created: true, deployment: { slug: "f/d" } } } });
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
  });

  it("switches to the database ORDO_DATABASE_URL names with no other change", async () => {
    const databaseUrl = await freshDatabaseUrl();
    // a home of its own: the server writes its secret.key there
    const home = mkdtempSync(path.join(os.tmpdir(), "ordo-home-"));
    homes.push(home);
    const server = startServer({ ORDO_DATABASE_URL: databaseUrl, ORDO_PORT: "0", ORDO_HOME: home });
    try {
      const url = await waitForUrl(server);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...adminHeaders(home) },
        body: JSON.stringify({ query: "{ flows { totalCount } }" }),
      });
      expect(await res.json()).toEqual({ data: { flows: { totalCount: 0 } } });
      expect(server.output()).toContain(inject("provider") === "postgresql" ? "database: PostgreSQL" : "database: /");
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
  });

  it("refuses bad settings with one clear message naming the variable", async () => {
    const server = startServer({ ORDO_PORT: "eighty", ORDO_DATABASE_URL: "mysql://x", ORDO_HOME: os.tmpdir() });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("Invalid Ordo settings");
    expect(server.output()).toMatch(/ORDO_PORT="eighty"/);
    expect(server.output()).toMatch(/ORDO_DATABASE_URL="mysql:\/\/x".*postgresql:\/\//);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });
});
