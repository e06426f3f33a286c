// `ordo --version` (the CLI's version, no server) and `ordo version` against a live server (both
// parts, schemas equal), a server whose schema differs (a warning line), and no server or a refused
// key (the client part, one "unavailable" line, exit 0).
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo, ordoJson } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { expectHelp, expectOk } from "./expect-cli.js";

const { version } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};

let t: TestApp;
let url: string;
/** a server that answers serverInfo with another version and schema */
let other: Server;
let otherUrl: string;
/** a port nothing listens on */
let deadUrl: string;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  ({ url } = await t.app.start());
  other = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        data: { serverInfo: { version: "99.0.0", schemaChecksum: "0".repeat(64), database: "POSTGRESQL" } },
      }),
    );
  });
  otherUrl = await listen(other);
  const closed = createServer();
  deadUrl = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => other?.close(resolve));
});

interface VersionJson {
  client: { version: string; schemaChecksum: string | null };
  apiUrl: string;
  server: { version: string; schemaChecksum: string; database: string | null } | null;
  serverUnavailable: string | null;
  schemaMatches: boolean | null;
}

describe("ordo --version", () => {
  it("prints the package version and nothing else, without a server", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await ordo(deadUrl, [flag]);
      expect(expectOk(r)).toBe(`${version}\n`);
      expect(r.stderr).toBe("");
    }
  });
});

describe("ordo version", () => {
  it("prints the CLI's and the live server's versions and schemas, equal, without a warning", async () => {
    const [r, json, help] = await Promise.all([
      ordo(url, ["version"]),
      ordoJson<VersionJson>(url, ["version"]),
      ordo(url, ["version", "--help"]),
    ]);
    const out = expectOk(r);
    expect(out).toMatch(new RegExp(`^client version\\s+${version}$`, "m"));
    expect(out).toMatch(new RegExp(`^api url\\s+${url}$`, "m"));
    expect(out).toMatch(new RegExp(`^server version\\s+${version}$`, "m"));
    expect(out).toMatch(/^server database\s+(sqlite|postgresql)$/m);
    const client = /^client schema\s+(sha256:[0-9a-f]{12})$/m.exec(out)?.[1];
    expect(client).toBeDefined();
    expect(out).toMatch(new RegExp(`^server schema\\s+${client}$`, "m"));
    expect(r.stderr).toBe("");
    expect(out).not.toMatch(/warning|unavailable/);

    expect(json).toMatchObject({
      client: { version },
      apiUrl: url,
      server: { version },
      serverUnavailable: null,
      schemaMatches: true,
    });
    expect(json.server!.schemaChecksum).toBe(json.client.schemaChecksum);
    expectHelp(help, "exits 0", "--json");
  });

  it("warns in one line when the server's schema differs from the CLI's", async () => {
    const r = await ordo(otherUrl, ["version"]);
    const out = expectOk(r);
    expect(out).toMatch(/^server version\s+99\.0\.0$/m);
    expect(out).toMatch(/^server schema\s+sha256:000000000000$/m);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: this CLI \\(${version}\\) and the server \\(99\\.0\\.0\\) have different GraphQL schemas`,
        ),
      ),
    ]);
    expect((await ordoJson<VersionJson>(otherUrl, ["version"])).schemaMatches).toBe(false);
  });

  it("without a server, or with a refused key, prints the client part and one unavailable line, and exits 0", async () => {
    const [dead, refused, deadJson] = await Promise.all([
      ordo(deadUrl, ["version"]),
      ordo(url, ["version"], { env: { ORDO_API_KEY: "ordo_not-a-key" } }),
      ordoJson<VersionJson>(deadUrl, ["version"]),
    ]);
    for (const [r, at, why] of [
      [dead, deadUrl, /^server\s+unavailable: cannot reach the Ordo server at /m],
      [refused, url, /^server\s+unavailable: .*API key.*\[UNAUTHENTICATED\]$/m],
    ] as const) {
      const out = expectOk(r);
      expect(out).toMatch(new RegExp(`^client version\\s+${version}$`, "m"));
      expect(out).toMatch(/^client schema\s+sha256:[0-9a-f]{12}$/m);
      expect(out).toMatch(new RegExp(`^api url\\s+${at}$`, "m"));
      expect(out.match(/unavailable/g)).toHaveLength(1);
      expect(out).toMatch(why);
      expect(out).not.toMatch(/^server version/m);
      expect(r.stderr).toBe("");
    }
    expect(deadJson).toMatchObject({ client: { version }, apiUrl: deadUrl, server: null, schemaMatches: null });
    expect(deadJson.serverUnavailable).toMatch(/cannot reach/);
  });
});
