// Block types and block documents through GraphQL on a real database (issue 3, DESIGN invariants
// 6–7): the built-in types, a third-party plugin package from the test fixtures, secrets encrypted
// at rest / masked / revealed / kept across updates and server restarts, anonymous documents,
// schema versions, and deployments referencing blocks.
// Bad input (codes, fields, nothing written, no secret in errors): bad-input-blocks.test.ts.
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BlockRegistry,
  defineBlockType,
  definePlugin,
  encryptValue,
  loadPlugins,
  schemaChecksum,
} from "../../src/blocks/index.js";
import { registerBlockTypes } from "../../src/domain/blocks/block-type-registration.js";
import { CONFIG } from "../../src/tokens.js";
import { graphql } from "../harness/documents.js";
import type { CreateBlockDocumentInput } from "../harness/generated/graphql.js";
import { sameKeyAs } from "../harness/same-key.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const HELLO_DIR = path.resolve(import.meta.dirname, "../fixtures/plugins/ordo-plugin-hello");
// ORDO_PLUGINS-style entry: a folder path relative to the server's folder (names resolve through node_modules)
const HELLO = "./test/fixtures/plugins/ordo-plugin-hello";
const MASK = "********";

graphql(`
  fragment BlocksBlockTypeFields on BlockType {
    id slug name description documentationUrl logoUrl isProtected plugin
    latestSchema { id checksum fields capabilities secretFields version }
  }
`);

graphql(`
  fragment BlocksDocumentFields on BlockDocument {
    id name slug isAnonymous data created updated
    blockType { slug } blockSchema { id checksum version }
  }
`);

const CREATE = graphql(`
  mutation Create($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { ...BlocksDocumentFields } }
`);
const UPDATE = graphql(`
  mutation Update($id: ID!, $data: JSON!, $merge: Boolean) { updateBlockDocument(id: $id, data: $data, merge: $merge) { ...BlocksDocumentFields } }
`);
const DELETE = graphql(`
  mutation Delete($id: ID!) { deleteBlockDocument(id: $id) }
`);
const BY_ID = graphql(`
  query ById($id: ID!, $reveal: Boolean) { blockDocument(id: $id, includeSecrets: $reveal) { ...BlocksDocumentFields } }
`);
const BY_SLUG = graphql(`
  query BySlug($slug: String!, $reveal: Boolean) { blockDocument(slug: $slug, includeSecrets: $reveal) { ...BlocksDocumentFields } }
`);
const LIST = graphql(`
  query List($type: String, $anon: Boolean) {
    blockDocuments(blockTypeSlug: $type, includeAnonymous: $anon, first: 100) { totalCount edges { node { ...BlocksDocumentFields } } }
  }
`);
const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) {
    applyDeployment(input: $input) {
      created
      deployment { id slug storagePath storageDocument { id slug } infrastructureDocument { id slug } }
    }
  }
`);

let t: TestApp;

/** The stored data column exactly as the database holds it, read with raw SQL (no Prisma model mapping). */
async function rawData(id: string): Promise<{ text: string; data: Record<string, any> }> {
  const rows = await t.app.database.client.$queryRaw<
    Array<{ data: unknown }>
  >`SELECT "data" FROM "BlockDocument" WHERE "id" = ${id}`;
  expect(rows).toHaveLength(1);
  const value = rows[0]!.data;
  // SQLite keeps JSON as text, PostgreSQL's jsonb comes back parsed
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return { text, data: JSON.parse(text) as Record<string, any> };
}

async function create(input: CreateBlockDocumentInput) {
  return (await t.ok(CREATE, { input })).createBlockDocument;
}

async function reveal(id: string) {
  return (await t.ok(BY_ID, { id, reveal: true })).blockDocument;
}

beforeAll(async () => {
  t = await createTestApp({ plugins: [HELLO] });
});
afterAll(async () => {
  await t.close();
});

describe("block types", () => {
  it("lists the built-in local-file-system and process types with their latest schema", async () => {
    const { blockTypes } = await t.ok(graphql(`{ blockTypes { ...BlocksBlockTypeFields } }`));
    const slugs = blockTypes.map((b) => b.slug);
    expect(slugs).toEqual(expect.arrayContaining(["local-file-system", "process", "hello-greeting"]));
    // ordered by slug
    expect(slugs).toEqual([...slugs].sort());

    const registry = t.app.container.resolve<BlockRegistry>(Symbol.for("ordo.blocks.Registry"));
    const lfs = blockTypes.find((b) => b.slug === "local-file-system")!;
    expect(lfs).toMatchObject({
      name: "Local File System",
      isProtected: true,
      plugin: "@ordo/plugin-local-file-system",
      latestSchema: {
        capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
        secretFields: [],
        version: "0.1.0",
      },
    });
    expect(lfs.description).toMatch(/folder/);
    expect(lfs.latestSchema.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lfs.latestSchema.checksum).toBe(registry.checksum("local-file-system"));
    // fields is the type's JSON Schema, as the plugin declares it
    expect(lfs.latestSchema.fields).toEqual(registry.get("local-file-system").schema);
    expect(lfs.latestSchema.fields).toMatchObject({
      type: "object",
      required: ["basePath"],
      additionalProperties: false,
    });

    const proc = blockTypes.find((b) => b.slug === "process")!;
    expect(proc).toMatchObject({
      name: "Process",
      isProtected: false,
      plugin: "@ordo/plugin-process",
      latestSchema: { capabilities: ["run-infrastructure"], version: "0.1.0" },
    });
    expect(proc.latestSchema.fields.properties).toHaveProperty("command");
    expect(proc.latestSchema.checksum).not.toBe(lfs.latestSchema.checksum);
  });

  it("filters by capability", async () => {
    const infra = await t.ok(
      graphql(`{ blockTypes(capability: "run-infrastructure") { slug latestSchema { capabilities } } }`),
    );
    // the built-ins, the test plugin and the catalog the clone installs (plugins/, npm workspaces)
    expect(infra.blockTypes.map((b) => b.slug)).toEqual(["docker-container", "kubernetes-job", "process"]);
    for (const b of infra.blockTypes) expect(b.latestSchema.capabilities).toContain("run-infrastructure");

    const readers = await t.ok(graphql(`{ blockTypes(capability: "read-path") { slug } }`));
    expect(readers.blockTypes.map((b) => b.slug)).toEqual([
      "azure",
      "gcs",
      "hello-greeting",
      "local-file-system",
      "remote-file-system",
      "s3",
    ]);

    const putters = await t.ok(graphql(`{ blockTypes(capability: "put-directory") { slug } }`));
    expect(putters.blockTypes.map((b) => b.slug)).toEqual([
      "azure",
      "gcs",
      "local-file-system",
      "remote-file-system",
      "s3",
    ]);
  });

  it("looks one type up by slug, and answers null for an unknown slug", async () => {
    const { blockType } = await t.ok(
      graphql(`query($s: String!) { blockType(slug: $s) { ...BlocksBlockTypeFields } }`),
      {
        s: "process",
      },
    );
    expect(blockType).toMatchObject({ slug: "process", plugin: "@ordo/plugin-process" });
    const missing = await t.ok(graphql(`{ blockType(slug: "no-such-type") { slug } }`));
    expect(missing.blockType).toBeNull();
  });
});

describe("a third-party plugin package outside plugins/", () => {
  it("is discovered from an ORDO_PLUGINS folder entry, validated and registered with its package version", async () => {
    const { blockType } = await t.ok(graphql(`{ blockType(slug: "hello-greeting") { ...BlocksBlockTypeFields } }`));
    expect(blockType).toMatchObject({
      slug: "hello-greeting",
      name: "Hello Greeting",
      description: "Greets; holds a token to show secret handling.",
      documentationUrl: "https://example.com/ordo-plugin-hello",
      logoUrl: null,
      isProtected: false,
      plugin: "ordo-plugin-hello",
      latestSchema: { capabilities: ["read-path"], secretFields: ["apiToken", "headers.*"], version: "1.2.3" },
    });
    expect(blockType.latestSchema.fields.required).toEqual(["greeting", "apiToken"]);
    const registry = t.app.container.resolve<BlockRegistry>(Symbol.for("ordo.blocks.Registry"));
    expect(registry.plugins().find((p) => p.name === "ordo-plugin-hello")).toMatchObject({
      origin: "listed",
      directory: HELLO_DIR,
    });
    expect(registry.frozen).toBe(true);
  });

  it("resolves a listed package name through node_modules, as ORDO_PLUGINS=name does", async () => {
    // Not installed in this repository: the name alone is not found, and the message names it.
    await expect(loadPlugins({ packages: ["ordo-plugin-hello"], nodeModulesDir: null })).rejects.toThrow(
      /Plugin "ordo-plugin-hello".*not found/,
    );
    // The same folder by absolute path is the same plugin.
    const registry = await loadPlugins({ packages: [HELLO_DIR], builtinDir: null, nodeModulesDir: null });
    expect(registry.list().map((b) => b.slug)).toEqual(["hello-greeting"]);
  });

  it("its block type is usable through GraphQL: create, read back by id, by slug and in the listing", async () => {
    const doc = await create({
      blockTypeSlug: "hello-greeting",
      name: "greeter",
      data: { greeting: "Hi", apiToken: "tok-greeter-1" },
    });
    expect(doc).toMatchObject({
      name: "greeter",
      slug: "hello-greeting/greeter",
      isAnonymous: false,
      blockType: { slug: "hello-greeting" },
      blockSchema: { version: "1.2.3" },
      data: { greeting: "Hi", apiToken: MASK },
    });
    const byId = (await t.ok(BY_ID, { id: doc.id })).blockDocument;
    expect(byId).toEqual(doc);
    const bySlug = (await t.ok(BY_SLUG, { slug: "hello-greeting/greeter" })).blockDocument;
    expect(bySlug.id).toBe(doc.id);
    const list = (await t.ok(LIST, { type: "hello-greeting" })).blockDocuments;
    expect(list.edges.map((e) => e.node.id)).toContain(doc.id);

    // and the registry builds a working implementation from the stored (decrypted) configuration
    const registry = t.app.container.resolve<BlockRegistry>(Symbol.for("ordo.blocks.Registry"));
    const data = (await reveal(doc.id)).data;
    const impl = registry.createInstance<{ readPath(p: string): Promise<Buffer> }>(
      "hello-greeting",
      data,
      t.app.container,
    );
    expect((await impl.readPath("x")).toString()).toBe("Hi, world! (x)");
  });

  it("names are unique per block type only", async () => {
    const other = await create({ blockTypeSlug: "process", name: "greeter", data: {} });
    expect(other.slug).toBe("process/greeter");
    expect((await t.ok(BY_SLUG, { slug: "hello-greeting/greeter" })).blockDocument.blockType.slug).toBe(
      "hello-greeting",
    );
    expect((await t.ok(BY_SLUG, { slug: "process/greeter" })).blockDocument.id).toBe(other.id);
    expect((await t.ok(DELETE, { id: other.id })).deleteBlockDocument).toBe(true);
  });

  it("unknown slugs and malformed slugs look up nothing", async () => {
    for (const slug of ["hello-greeting/nobody", "no-type/greeter", "hello-greeting", "hello-greeting/greeter/extra"]) {
      expect((await t.ok(BY_SLUG, { slug })).blockDocument, slug).toBeNull();
    }
    expect((await t.ok(BY_ID, { id: "00000000-0000-4000-8000-000000000000" })).blockDocument).toBeNull();
    expect((await t.ok(graphql(`{ blockDocument { id } }`))).blockDocument).toBeNull();
  });
});

describe("secrets", () => {
  const SECRET = "tok-Very-Secret-42";
  let id: string;

  it("are stored as AES-256-GCM envelopes, never in clear", async () => {
    const doc = await create({
      blockTypeSlug: "hello-greeting",
      name: "secretive",
      data: {
        greeting: "Hello",
        apiToken: SECRET,
        headers: { Authorization: "Bearer hdr-secret-1", "X-Trace": "trace-secret-2" },
        retries: 2,
      },
    });
    id = doc.id;
    const raw = await rawData(id);
    expect(raw.text).not.toContain(SECRET);
    expect(raw.text).not.toContain("hdr-secret-1");
    expect(raw.text).not.toContain("trace-secret-2");
    expect(raw.data.apiToken).toMatch(/^ordo:v1:/);
    // "headers.*": every value under headers is a secret, each its own envelope
    expect(raw.data.headers.Authorization).toMatch(/^ordo:v1:/);
    expect(raw.data.headers["X-Trace"]).toMatch(/^ordo:v1:/);
    expect(raw.data.headers.Authorization).not.toBe(raw.data.headers["X-Trace"]);
    // non-secret fields stay readable
    expect(raw.data.greeting).toBe("Hello");
    expect(raw.data.retries).toBe(2);
  });

  it("are masked in every read unless includeSecrets is asked", async () => {
    const masked = { greeting: "Hello", apiToken: MASK, headers: { Authorization: MASK, "X-Trace": MASK }, retries: 2 };
    expect((await t.ok(BY_ID, { id })).blockDocument.data).toEqual(masked);
    expect((await t.ok(BY_ID, { id, reveal: false })).blockDocument.data).toEqual(masked);
    expect((await t.ok(BY_SLUG, { slug: "hello-greeting/secretive" })).blockDocument.data).toEqual(masked);
    const list = (await t.ok(LIST, { type: "hello-greeting" })).blockDocuments;
    expect(list.edges.find((e) => e.node.id === id)!.node.data).toEqual(masked);

    const clear = {
      greeting: "Hello",
      apiToken: SECRET,
      headers: { Authorization: "Bearer hdr-secret-1", "X-Trace": "trace-secret-2" },
      retries: 2,
    };
    expect((await reveal(id)).data).toEqual(clear);
    expect((await t.ok(BY_SLUG, { slug: "hello-greeting/secretive", reveal: true })).blockDocument.data).toEqual(clear);
    // revealing one document does not unmask the others
    const other = (await t.ok(BY_SLUG, { slug: "hello-greeting/greeter" })).blockDocument;
    expect(other.data.apiToken).toBe(MASK);
  });

  it("includeSecrets reveals only the field that asked, not other reads of the same document in the request", async () => {
    const res = await t.ok(
      graphql(`query($id: ID!) {
        masked: blockDocument(id: $id) { data }
        clear: blockDocument(id: $id, includeSecrets: true) { data }
        list: blockDocuments(blockTypeSlug: "hello-greeting") { edges { node { id data } } }
        maskedAgain: blockDocument(slug: "hello-greeting/secretive") { data }
      }`),
      { id },
    );
    expect(res.clear.data.apiToken).toBe(SECRET);
    expect(res.masked.data.apiToken).toBe(MASK);
    expect(res.maskedAgain.data.apiToken).toBe(MASK);
    expect(res.list.edges.find((e) => e.node.id === id)!.node.data.apiToken).toBe(MASK);
    expect(JSON.stringify([res.masked, res.maskedAgain, res.list])).not.toContain(SECRET);
  });

  it("writing the mask back keeps the stored secret", async () => {
    const before = await rawData(id);
    const updated = (
      await t.ok(UPDATE, {
        id,
        data: { greeting: "Hello again", apiToken: MASK, headers: { Authorization: MASK, "X-Trace": "trace-new-3" } },
      })
    ).updateBlockDocument;
    // without merge the data is replaced: retries is gone
    expect(updated.data).toEqual({
      greeting: "Hello again",
      apiToken: MASK,
      headers: { Authorization: MASK, "X-Trace": MASK },
    });
    expect((await reveal(id)).data).toEqual({
      greeting: "Hello again",
      apiToken: SECRET,
      headers: { Authorization: "Bearer hdr-secret-1", "X-Trace": "trace-new-3" },
    });
    const after = await rawData(id);
    expect(after.text).not.toContain(SECRET);
    expect(after.text).not.toContain("trace-new-3");
    expect(after.text).not.toContain(MASK);
    expect(after.data.apiToken).toMatch(/^ordo:v1:/);
    expect(after.data.headers["X-Trace"]).not.toBe(before.data.headers["X-Trace"]);
  });

  it("merge: true shallow-merges into the stored data", async () => {
    await t.ok(UPDATE, { id, data: { retries: 5 }, merge: true });
    expect((await reveal(id)).data).toEqual({
      greeting: "Hello again",
      apiToken: SECRET,
      headers: { Authorization: "Bearer hdr-secret-1", "X-Trace": "trace-new-3" },
      retries: 5,
    });
    // shallow: a nested object given is taken whole, not merged key by key
    await t.ok(UPDATE, { id, data: { headers: { "X-Only": "only-secret-4" } }, merge: true });
    expect((await reveal(id)).data).toEqual({
      greeting: "Hello again",
      apiToken: SECRET,
      headers: { "X-Only": "only-secret-4" },
      retries: 5,
    });
    // the mask in a merge keeps the stored value too
    await t.ok(UPDATE, { id, data: { apiToken: MASK, greeting: "Merged" }, merge: true });
    expect((await reveal(id)).data).toMatchObject({ greeting: "Merged", apiToken: SECRET });
  });

  it("a changed secret is re-encrypted", async () => {
    const before = await rawData(id);
    await t.ok(UPDATE, { id, data: { apiToken: "tok-Rotated-43" }, merge: true });
    const after = await rawData(id);
    expect(after.data.apiToken).toMatch(/^ordo:v1:/);
    expect(after.data.apiToken).not.toBe(before.data.apiToken);
    expect(after.text).not.toContain("tok-Rotated-43");
    expect(after.text).not.toContain(SECRET);
    expect((await reveal(id)).data.apiToken).toBe("tok-Rotated-43");
    expect((await t.ok(BY_ID, { id })).blockDocument.data.apiToken).toBe(MASK);
  });
});

describe("timestamps", () => {
  it("come from the app's clock: created when made, updated on each write", async () => {
    const wall = Date.now();
    // the app's clock a day ahead of the wall clock: the database's own now() would not know it
    t.clock.advance(86_400);
    try {
      const doc = await create({ blockTypeSlug: "local-file-system", name: "clocked", data: { basePath: "/tmp/a" } });
      expect(Date.parse(doc.created)).toBeGreaterThanOrEqual(wall + 86_400_000);
      expect(doc.updated).toBe(doc.created);
      t.clock.advance(60);
      const after = (await t.ok(UPDATE, { id: doc.id, data: { basePath: "/tmp/b" } })).updateBlockDocument;
      expect(after.created).toBe(doc.created);
      expect(Date.parse(after.updated) - Date.parse(doc.created)).toBeGreaterThanOrEqual(60_000);
    } finally {
      t.clock.advance(-86_460);
    }
  });
});

describe("anonymous documents", () => {
  it("are auto-named, hidden from listings by default and shown with includeAnonymous", async () => {
    const anon = await create({ blockTypeSlug: "process", isAnonymous: true, data: { command: ["echo", "hi"] } });
    expect(anon.isAnonymous).toBe(true);
    expect(anon.name).toMatch(/^anonymous-[0-9a-f-]+$/);
    expect(anon.slug).toBe(`process/${anon.name}`);
    const second = await create({ blockTypeSlug: "process", isAnonymous: true, data: {} });
    expect(second.name).not.toBe(anon.name);
    const named = await create({ blockTypeSlug: "process", name: "visible-proc", data: {} });

    const hidden = (await t.ok(LIST, { type: "process" })).blockDocuments;
    expect(hidden.edges.map((e) => e.node.id)).toEqual([named.id]);
    expect(hidden.totalCount).toBe(1);
    const all = (await t.ok(graphql(`{ blockDocuments(first: 100) { totalCount edges { node { id isAnonymous } } } }`)))
      .blockDocuments;
    expect(all.edges.some((e) => e.node.isAnonymous)).toBe(false);

    const shown = (await t.ok(LIST, { type: "process", anon: true })).blockDocuments;
    expect(shown.edges.map((e) => e.node.id).sort()).toEqual([anon.id, second.id, named.id].sort());
    expect(shown.totalCount).toBe(3);
    // still reachable by id and by slug
    expect((await t.ok(BY_ID, { id: anon.id })).blockDocument.data).toEqual({ command: ["echo", "hi"] });
    expect((await t.ok(BY_SLUG, { slug: anon.slug })).blockDocument.id).toBe(anon.id);
  });

  it("an anonymous document may still be given a name", async () => {
    const anon = await create({ blockTypeSlug: "process", isAnonymous: true, name: "inline-proc", data: {} });
    expect(anon).toMatchObject({ name: "inline-proc", isAnonymous: true });
    const hidden = (await t.ok(LIST, { type: "process" })).blockDocuments;
    expect(hidden.edges.map((e) => e.node.id)).not.toContain(anon.id);
  });
});

describe("schema versions", () => {
  const schema = (extra: Record<string, unknown>) =>
    ({
      type: "object",
      properties: { url: { type: "string" }, ...extra },
      required: ["url"],
      additionalProperties: false,
    }) as const;

  function registryWith(
    properties: Record<string, unknown>,
    version: string,
    secretFields: string[] = [],
  ): BlockRegistry {
    class Versioned {}
    const registry = new BlockRegistry();
    registry.register(
      definePlugin({
        name: "ordo-plugin-versioned",
        version,
        blockTypes: [
          defineBlockType({
            slug: "versioned-thing",
            name: "Versioned",
            schema: schema(properties),
            secretFields,
            capabilities: [],
            implementation: Versioned,
          }),
        ],
      }),
    );
    registry.freeze();
    return registry;
  }

  async function schemaRows(slug: string) {
    return t.app.database.client.blockSchema.findMany({ where: { blockType: { slug } }, orderBy: { created: "asc" } });
  }

  it("a boot registers one type row and one schema row per block type", async () => {
    const db = t.app.database.client;
    for (const slug of ["local-file-system", "process", "hello-greeting"]) {
      expect(await db.blockType.count({ where: { slug } })).toBe(1);
      expect(await schemaRows(slug)).toHaveLength(1);
    }
  });

  it("registering the same schema again changes nothing; a changed schema adds a version and keeps the old one", async () => {
    const db = t.app.database.client;
    const v1 = registryWith({}, "1.0.0");
    await registerBlockTypes(t.app.database, v1, t.clock);
    await registerBlockTypes(t.app.database, v1, t.clock);
    let rows = await schemaRows("versioned-thing");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: "1.0.0", checksum: v1.checksum("versioned-thing") });
    expect(rows[0]!.fields).toEqual(schema({}));
    const typeId = rows[0]!.blockTypeId;

    // a document validated against version 1 points at that schema row
    const doc = await db.blockDocument.create({
      data: {
        name: "old-doc",
        blockTypeId: typeId,
        blockSchemaId: rows[0]!.id,
        data: { url: "http://a" },
        updated: t.clock.now(),
      },
    });

    t.clock.advance(1); // distinct `created` stamps (from the app's clock), so "latest" is unambiguous
    const v2 = registryWith({ timeout: { type: "integer" } }, "1.1.0");
    expect(v2.checksum("versioned-thing")).not.toBe(v1.checksum("versioned-thing"));
    await registerBlockTypes(t.app.database, v2, t.clock);
    await registerBlockTypes(t.app.database, v2, t.clock);
    rows = await schemaRows("versioned-thing");
    expect(rows.map((r) => r.version)).toEqual(["1.0.0", "1.1.0"]);
    // history is not rewritten: the first row is as it was
    expect(rows[0]!.fields).toEqual(schema({}));
    expect(rows[1]!.fields).toEqual(schema({ timeout: { type: "integer" } }));
    expect(await db.blockType.count({ where: { slug: "versioned-thing" } })).toBe(1);
    expect((await db.blockDocument.findUniqueOrThrow({ where: { id: doc.id } })).blockSchemaId).toBe(rows[0]!.id);

    const { blockType } = await t.ok(
      graphql(`{ blockType(slug: "versioned-thing") { plugin latestSchema { version checksum } } }`),
    );
    expect(blockType).toEqual({
      plugin: "ordo-plugin-versioned",
      latestSchema: { version: "1.1.0", checksum: v2.checksum("versioned-thing") },
    });

    // only starting to treat a field as secret is a new version as well
    t.clock.advance(1);
    const v3 = registryWith({ timeout: { type: "integer" } }, "1.1.0", ["url"]);
    await registerBlockTypes(t.app.database, v3, t.clock);
    rows = await schemaRows("versioned-thing");
    expect(rows).toHaveLength(3);
    expect(rows[2]!.secretFields).toEqual(["url"]);
    expect(rows[2]!.checksum).toBe(
      schemaChecksum({ schema: schema({ timeout: { type: "integer" } }), secretFields: ["url"], capabilities: [] }),
    );
    // marking the field in the schema instead (writeOnly) stores the same secret fields, under the new schema
    t.clock.advance(1);
    const v4 = registryWith({ url: { type: "string", writeOnly: true }, timeout: { type: "integer" } }, "1.2.0");
    await registerBlockTypes(t.app.database, v4, t.clock);
    rows = await schemaRows("versioned-thing");
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({
      version: "1.2.0",
      secretFields: ["url"],
      checksum: v4.checksum("versioned-thing"),
    });
    expect(rows[3]!.checksum).toBe(
      schemaChecksum({
        schema: schema({ url: { type: "string", writeOnly: true }, timeout: { type: "integer" } }),
        secretFields: ["url"],
        capabilities: [],
      }),
    );
    // a type no loaded plugin declares is not in blockTypes
    const { blockTypes } = await t.ok(graphql(`{ blockTypes { slug } }`));
    expect(blockTypes.map((b) => b.slug)).not.toContain("versioned-thing");
  });
});

describe("deployments reference blocks", () => {
  let storage: { id: string };
  let infra: { id: string };

  beforeAll(async () => {
    storage = await create({ blockTypeSlug: "local-file-system", name: "code", data: { basePath: "/srv/flows" } });
    infra = await create({ blockTypeSlug: "process", name: "runner", data: { env: { A: "1" } } });
  });

  it("by type/name, by id and by type/name/sub/path", async () => {
    const a = (
      await t.ok(APPLY, {
        input: {
          flowName: "etl",
          name: "by-slug",
          storageBlock: "local-file-system/code",
          infrastructureBlock: "process/runner",
        },
      })
    ).applyDeployment.deployment;
    expect(a).toMatchObject({
      slug: "etl/by-slug",
      storagePath: null,
      storageDocument: { id: storage.id, slug: "local-file-system/code" },
      infrastructureDocument: { id: infra.id, slug: "process/runner" },
    });

    const b = (
      await t.ok(APPLY, {
        input: { flowName: "etl", name: "by-id", storageBlock: storage.id, infrastructureBlock: infra.id },
      })
    ).applyDeployment.deployment;
    expect(b).toMatchObject({
      storagePath: null,
      storageDocument: { id: storage.id },
      infrastructureDocument: { id: infra.id },
    });

    const c = (
      await t.ok(APPLY, {
        input: { flowName: "etl", name: "sub-path", storageBlock: "local-file-system/code/sub/dir" },
      })
    ).applyDeployment.deployment;
    expect(c).toMatchObject({
      storagePath: "sub/dir",
      storageDocument: { id: storage.id },
      infrastructureDocument: null,
    });

    // re-applying without the sub-path clears it
    const c2 = (
      await t.ok(APPLY, { input: { flowName: "etl", name: "sub-path", storageBlock: "local-file-system/code" } })
    ).applyDeployment;
    expect(c2).toMatchObject({ created: false, deployment: { id: c.id, storagePath: null } });
  });

  it("a block in use cannot be deleted: CONFLICT naming the deployments, nothing deleted; once unused it can", async () => {
    const db = t.app.database.client;
    const counts = async () => ({ docs: await db.blockDocument.count(), deployments: await db.deployment.count() });
    const before = await counts();

    const res = await t.gql(DELETE, { id: storage.id });
    expect(res.errors).toHaveLength(1);
    const error = res.errors![0]!;
    expect(error.extensions).toMatchObject({ code: "CONFLICT", field: "id" });
    for (const slug of ["etl/by-slug", "etl/by-id", "etl/sub-path"]) expect(error.message).toContain(slug);
    expect(res.data).toBeNull();
    expect(await counts()).toEqual(before);
    expect((await t.ok(BY_ID, { id: storage.id })).blockDocument).not.toBeNull();

    const infraRes = await t.gql(DELETE, { id: infra.id });
    expect(infraRes.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "id" });
    expect(infraRes.errors![0]!.message).toContain("etl/by-slug");
    expect(infraRes.errors![0]!.message).toContain("etl/by-id");
    expect(infraRes.errors![0]!.message).not.toContain("etl/sub-path");
    expect(await counts()).toEqual(before);

    const { deployments } = await t.ok(graphql(`{ deployments(first: 100) { edges { node { id slug } } } }`));
    for (const { node } of deployments.edges) {
      if (node.slug.startsWith("etl/"))
        expect(
          (await t.ok(graphql(`mutation($id: ID!) { deleteDeployment(id: $id) }`), { id: node.id })).deleteDeployment,
        ).toBe(true);
    }
    expect((await t.ok(DELETE, { id: storage.id })).deleteBlockDocument).toBe(true);
    expect((await t.ok(DELETE, { id: storage.id })).deleteBlockDocument).toBe(false);
    expect((await t.ok(DELETE, { id: infra.id })).deleteBlockDocument).toBe(true);
    expect((await t.ok(BY_ID, { id: storage.id })).blockDocument).toBeNull();
    expect(await db.blockDocument.count()).toBe(before.docs - 2);
    // the name is free again
    await create({ blockTypeSlug: "local-file-system", name: "code", data: { basePath: "/srv/other" } });
  });
});

// Last: these replace `t` with new boots of the same database.
describe("the encryption key across boots", () => {
  const SECRET = "tok-Survives-Restart-7";
  let id: string;
  let key: { encryptionKey: string };

  it("a generated key is kept in secret.key, not the database: a boot with it decrypts, and keeps one schema row per type", async () => {
    const db = t.app.database.client;
    key = sameKeyAs(t);
    // in the app's home, 0600; the database holds only a check that reveals nothing of it
    const file = path.join(t.app.container.resolve(CONFIG).home, "secret.key");
    expect(readFileSync(file, "utf8")).toBe(`${key.encryptionKey}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await db.configuration.findUnique({ where: { key: "block-encryption-key" } })).toBeNull();
    const rows = await db.configuration.findMany();
    expect(rows.map((r) => r.key)).toContain("block-encryption-key-check");
    expect(JSON.stringify(rows)).not.toContain(key.encryptionKey);
    id = (
      await create({ blockTypeSlug: "hello-greeting", name: "durable", data: { greeting: "Yo", apiToken: SECRET } })
    ).id;
    const schemaRowsBefore = await db.blockSchema.count();
    const typeRowsBefore = await db.blockType.count();

    // two SQLite apps in one process would wait on each other's locks: one at a time
    const { databaseUrl } = t;
    await t.close();
    t = await createTestApp({ databaseUrl, plugins: [HELLO], ...key });

    expect((await reveal(id)).data).toEqual({ greeting: "Yo", apiToken: SECRET });
    expect((await t.ok(BY_ID, { id })).blockDocument.data.apiToken).toBe(MASK);
    const db2 = t.app.database.client;
    expect(await db2.blockSchema.count()).toBe(schemaRowsBefore);
    expect(await db2.blockType.count()).toBe(typeRowsBefore);
  });

  it("a wrong ORDO_ENCRYPTION_KEY is refused at start, naming the variable and no secret", async () => {
    const { databaseUrl } = t;
    await t.close();
    const wrong = randomBytes(32).toString("base64");
    const refused = await createTestApp({ databaseUrl, plugins: [HELLO], encryptionKey: wrong }).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused?.message).toMatch(
      /^Block secrets: ORDO_ENCRYPTION_KEY is not the key this database's secrets were encrypted with/,
    );
    expect(refused?.message).not.toContain(SECRET);
    expect(refused?.message).not.toContain(wrong);
    t = await createTestApp({ databaseUrl, plugins: [HELLO], ...key });
    expect((await reveal(id)).data.apiToken).toBe(SECRET);
  });

  it("a stored secret that does not decrypt is a CONFLICT naming the field, on reveal and on update, and nothing is written", async () => {
    // what a value encrypted under another key (or altered in the database) looks like to the server
    const stored = await rawData(id);
    await t.app.database.client.blockDocument.update({
      where: { id },
      data: { data: { ...stored.data, apiToken: encryptValue(SECRET, randomBytes(32)) } },
    });
    const before = await rawData(id);

    const revealed = await t.gql(BY_ID, { id, reveal: true });
    const updated = await t.gql(UPDATE, { id, data: { greeting: "Changed", apiToken: MASK } });
    for (const res of [revealed, updated]) {
      expect(res.errors?.[0]?.extensions, JSON.stringify(res)).toMatchObject({
        code: "CONFLICT",
        field: "data.apiToken",
      });
      expect(res.errors![0]!.message).toContain("ORDO_ENCRYPTION_KEY");
      expect(JSON.stringify(res)).not.toContain(SECRET);
    }
    // nothing written by the failed update
    expect(await rawData(id)).toEqual(before);
    // masked reads still work: they need no key
    expect((await t.ok(BY_ID, { id })).blockDocument.data).toEqual({ greeting: "Yo", apiToken: MASK });
  });
});
