// serverInfo: the package version, the database kind and the sha256 of the schema served — equal to
// the checksum of the committed schema.graphql, which is what `ordo version` compares against.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const root = path.resolve(import.meta.dirname, "../..");
const QUERY = graphql(`{ serverInfo { version schemaChecksum database } }`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("serverInfo", () => {
  it("answers a read key with the package version, the database kind and the checksum of schema.graphql", async () => {
    const { createApiKey } = await t.ok(
      graphql(`mutation { createApiKey(input: { name: "reader", scopes: [READ] }) { key } }`),
    );
    const r = await t.gqlWith({ authorization: `Bearer ${createApiKey.key}` }, QUERY);
    expect(r.errors).toBeUndefined();
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    const schemaFile = createHash("sha256")
      .update(readFileSync(path.join(root, "schema.graphql")))
      .digest("hex");
    expect(r.data!.serverInfo).toEqual({
      version: pkg.version,
      schemaChecksum: schemaFile,
      database: t.databaseUrl.startsWith("postgres") ? "POSTGRESQL" : "SQLITE",
    });
    // the answer names no path, URL or secret of the server
    expect(JSON.stringify(r.data)).not.toMatch(/[/\\]|file:|postgres(ql)?:/);
  });

  it("is refused without a key while auth is on", async () => {
    const r = await t.gqlWith({}, QUERY);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
