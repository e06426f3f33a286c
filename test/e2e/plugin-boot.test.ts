// Plugins at boot, as a user runs the server (`node --import tsx src/main.ts` in a child process,
// like server-start.test.ts): ORDO_PLUGINS naming a broken plugin stops the boot with exit code 1
// and one message naming the plugin, the block type and the field — before the database is
// touched, and without a stack trace (DESIGN invariant 7); a valid third-party plugin is loaded
// and its block type is served.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { adminHeaders } from "../harness/server-homes.js";
import { startServer, waitForUrl } from "../harness/server-process.js";
import { freshDatabaseUrl } from "../harness/test-database.js";

const fixture = (name: string) => `./test/fixtures/plugins/${name}`;
const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function tempHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), "ordo-plugin-boot-"));
  homes.push(home);
  return home;
}

/** Boots with ORDO_PLUGINS and expects it to stop: exit code 1, one line, no stack, no database. */
async function expectBootStopped(plugins: string): Promise<string> {
  const home = tempHome();
  const server = startServer({ ORDO_HOME: home, ORDO_PLUGINS: plugins });
  const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r("timeout"), 60_000))]);
  if (code === "timeout") server.child.kill("SIGKILL");
  const output = server.output();
  expect(code, output).toBe(1);
  const lines = output.trim().split("\n");
  expect(lines, output).toHaveLength(1);
  expect(output).not.toMatch(/\n\s+at |\bat .*\.[jt]s:\d+|node:internal|Error:/);
  // plugins are checked first: the boot stopped before the database was created or migrated
  expect(existsSync(path.join(home, "ordo.db"))).toBe(false);
  return lines[0]!;
}

describe("ORDO_PLUGINS at boot", () => {
  it("a plugin whose block schema does not compile stops the boot naming plugin, block type and field", async () => {
    const line = await expectBootStopped(fixture("ordo-plugin-broken-schema"));
    expect(line).toContain('Plugin "ordo-plugin-broken-schema"');
    expect(line).toContain('block type "broken-thing"');
    expect(line).toContain("schema /properties/x/type");
    expect(line).toMatch(/^Ordo server failed to start: /);
  });

  it("a plugin re-declaring a slug stops the boot naming the slug and both plugins", async () => {
    const line = await expectBootStopped(fixture("ordo-plugin-duplicate"));
    expect(line).toContain('Plugin "ordo-plugin-duplicate"');
    expect(line).toContain('block type "local-file-system"');
    expect(line).toContain("slug");
    expect(line).toContain('"@ordo/plugin-local-file-system"');
  });

  it("a listed package that cannot be found stops the boot naming it", async () => {
    const line = await expectBootStopped("ordo-plugin-not-installed-anywhere");
    expect(line).toContain('Plugin "ordo-plugin-not-installed-anywhere"');
    expect(line).toMatch(/not found/);
  });

  it("a broken plugin listed after a valid one still stops the boot", async () => {
    const line = await expectBootStopped(`${fixture("ordo-plugin-hello")},${fixture("ordo-plugin-broken-schema")}`);
    expect(line).toContain('Plugin "ordo-plugin-broken-schema"');
  });

  it("a valid third-party plugin is loaded, and its block type served and usable", async () => {
    const home = tempHome();
    const server = startServer({
      ORDO_HOME: home,
      ORDO_DATABASE_URL: await freshDatabaseUrl(),
      ORDO_PLUGINS: fixture("ordo-plugin-hello"),
    });
    try {
      const url = await waitForUrl(server);
      const gql = async (query: string, variables?: Record<string, unknown>) => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...adminHeaders(home) },
          body: JSON.stringify({ query, variables }),
        });
        return (await res.json()) as { data?: any; errors?: unknown[] };
      };
      const types = await gql(`{ blockTypes { slug plugin latestSchema { version secretFields } } }`);
      expect(types.errors).toBeUndefined();
      expect(types.data.blockTypes).toEqual(
        expect.arrayContaining([
          {
            slug: "hello-greeting",
            plugin: "ordo-plugin-hello",
            latestSchema: { version: "1.2.3", secretFields: ["apiToken", "headers.*"] },
          },
          expect.objectContaining({ slug: "local-file-system" }),
          expect.objectContaining({ slug: "process" }),
        ]),
      );
      const created = await gql(
        `mutation($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { slug data } }`,
        {
          input: {
            blockTypeSlug: "hello-greeting",
            name: "e2e",
            data: { greeting: "Hey", apiToken: "tok-e2e-secret-9" },
          },
        },
      );
      expect(created).toEqual({
        data: { createBlockDocument: { slug: "hello-greeting/e2e", data: { greeting: "Hey", apiToken: "********" } } },
      });
      const revealed = await gql(`{ blockDocument(slug: "hello-greeting/e2e", includeSecrets: true) { data } }`);
      expect(revealed).toEqual({
        data: { blockDocument: { data: { greeting: "Hey", apiToken: "tok-e2e-secret-9" } } },
      });
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    // no secret in anything the server wrote out
    expect(server.output()).not.toContain("tok-e2e-secret-9");
    expect(server.output()).not.toMatch(/\n\s+at /);
  });
});
