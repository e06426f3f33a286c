// Bad input to the block operations through GraphQL on a real database (DESIGN invariants 6 and 8):
// each gets its contract code, names the offending field in extensions.field, writes nothing
// (row counts and every stored document compared before/after), and no error — message,
// extensions or server log — ever contains a secret value the request carried.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionChecker } from "../harness/rejections.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

const SECRET = "s3cr3t-VALUE-123";
const MASK = "********";
const HELLO = "./test/fixtures/plugins/ordo-plugin-hello";

const CREATE = graphql(`
  mutation Create($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id data } }
`);
const UPDATE = graphql(`
  mutation Update($id: ID!, $data: JSON!, $merge: Boolean) { updateBlockDocument(id: $id, data: $data, merge: $merge) { id data } }
`);
const DELETE = graphql(`
  mutation Delete($id: ID!) { deleteBlockDocument(id: $id) }
`);
const APPLY = graphql(`
  mutation Apply($input: DeploymentInput!) { applyDeployment(input: $input) { created deployment { id } } }
`);

let t: TestApp;
let helloId: string;
let storageId: string;

/** Row counts of the tables a block operation could touch, and every stored document as it is. */
async function snapshot() {
  const db = t.app.database.client;
  const [blockDocument, blockSchema, blockType, deployment, flow, configuration, docs] = await Promise.all([
    db.blockDocument.count(),
    db.blockSchema.count(),
    db.blockType.count(),
    db.deployment.count(),
    db.flow.count(),
    db.configuration.count(),
    db.blockDocument.findMany({
      orderBy: { id: "asc" },
      select: { id: true, name: true, data: true, blockSchemaId: true, updated: true },
    }),
  ]);
  return {
    counts: { blockDocument, blockSchema, blockType, deployment, flow, configuration },
    docs: docs.map((d) => ({ ...d, data: JSON.stringify(d.data), updated: d.updated.toISOString() })),
  };
}

const expectRejected = rejectionChecker(() => t, snapshot, { secret: SECRET });

function hello(data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { input: { blockTypeSlug: "hello-greeting", name: "new-greeter", data, ...extra } };
}

beforeAll(async () => {
  t = await createTestApp({ plugins: [HELLO] });
  const created = await t.ok(CREATE, {
    input: {
      blockTypeSlug: "hello-greeting",
      name: "taken",
      data: { greeting: "Hi", apiToken: "tok-stored-1", headers: { Authorization: "hdr-stored-2" } },
    },
  });
  helloId = created.createBlockDocument.id;
  storageId = (
    await t.ok(CREATE, { input: { blockTypeSlug: "local-file-system", name: "code", data: { basePath: "/srv" } } })
  ).createBlockDocument.id;
  await t.ok(APPLY, { input: { flowName: "base", name: "existing", storageBlock: "local-file-system/code" } });
});
afterAll(async () => {
  await t.close();
});

describe("createBlockDocument", () => {
  it("an unknown block type slug: NOT_FOUND input.blockTypeSlug", async () => {
    const error = await expectRejected(
      CREATE,
      { input: { blockTypeSlug: "no-such-type", name: "x", data: { apiToken: SECRET } } },
      {
        code: "NOT_FOUND",
        field: "input.blockTypeSlug",
      },
    );
    expect(error.message).toContain("no-such-type");
  });

  it.each([["Bad_Slug"], ["UPPER"], ["has space"], [""], ["a/b"]])(
    "a block type slug of bad syntax %j: BAD_USER_INPUT",
    async (slug) => {
      await expectRejected(
        CREATE,
        { input: { blockTypeSlug: slug, name: "x", data: { apiToken: SECRET } } },
        { code: "BAD_USER_INPUT", field: "input.blockTypeSlug" },
      );
    },
  );

  it("a missing required field: VALIDATION_FAILED with its JSON pointer", async () => {
    const error = await expectRejected(CREATE, hello({ apiToken: SECRET }), {
      code: "VALIDATION_FAILED",
      field: "input.data",
    });
    expect(error.extensions!.errors).toEqual([{ path: "/greeting", message: expect.stringContaining("greeting") }]);
  });

  it("every failing field is listed: missing, wrong types, a constraint, a property the schema forbids", async () => {
    const data = {
      apiToken: SECRET,
      retries: "three",
      colour: "blue",
      headers: { Authorization: SECRET, "X-Count": 5 },
    };
    const error = await expectRejected(CREATE, hello(data), { code: "VALIDATION_FAILED", field: "input.data" });
    const issues = error.extensions!.errors as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(["/colour", "/greeting", "/headers/X-Count", "/retries"]);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
    // the message names the fields too, never the values
    for (const p of ["/colour", "/greeting", "/headers/X-Count", "/retries"]) expect(error.message).toContain(p);
    expect(error.message).not.toContain("three");
  });

  it("a secret of the wrong type and a constraint: pointers, no values", async () => {
    const error = await expectRejected(CREATE, hello({ greeting: "", apiToken: { nested: SECRET }, retries: -1 }), {
      code: "VALIDATION_FAILED",
      field: "input.data",
    });
    expect((error.extensions!.errors as Array<{ path: string }>).map((i) => i.path).sort()).toEqual([
      "/apiToken",
      "/greeting",
      "/retries",
    ]);
  });

  it.each([
    ["an array", [SECRET]],
    ["a string", SECRET],
    ["a number", 42],
  ])("data that is %s, not an object: BAD_USER_INPUT input.data", async (_name, data) => {
    await expectRejected(CREATE, hello(data as never), { code: "BAD_USER_INPUT", field: "input.data" });
  });

  it("data null: BAD_USER_INPUT input.data", async () => {
    await expectRejected(
      CREATE,
      { input: { blockTypeSlug: "hello-greeting", name: "x", data: null } },
      { code: "BAD_USER_INPUT", field: "input.data" },
    );
  });

  it("a name already taken for the type: CONFLICT input.name", async () => {
    const error = await expectRejected(CREATE, hello({ greeting: "Hi", apiToken: SECRET }, { name: "taken" }), {
      code: "CONFLICT",
      field: "input.name",
    });
    expect(error.message).toContain("taken");
  });

  it.each([["Bad Name"], ["UPPER"], ["a/b"], ["under_score"], ["dot.ted"]])(
    "a name of bad syntax %j: BAD_USER_INPUT input.name",
    async (name) => {
      await expectRejected(CREATE, hello({ greeting: "Hi", apiToken: SECRET }, { name }), {
        code: "BAD_USER_INPUT",
        field: "input.name",
      });
    },
  );

  it.each([
    ["no name", {}],
    ["a null name", { name: null }],
    ["an empty name", { name: "" }],
    ["no name with isAnonymous false", { isAnonymous: false }],
  ])("%s and not anonymous: BAD_USER_INPUT input.name", async (_name, extra) => {
    const { name: _ignored, ...input } = hello({ greeting: "Hi", apiToken: SECRET }).input;
    await expectRejected(CREATE, { input: { ...input, ...extra } }, { code: "BAD_USER_INPUT", field: "input.name" });
  });

  it('"********" for a secret on create (nothing stored to keep): BAD_USER_INPUT naming the secret field', async () => {
    const error = await expectRejected(CREATE, hello({ greeting: "Hi", apiToken: MASK }), {
      code: "BAD_USER_INPUT",
      field: "input.data",
    });
    expect(error.message).toContain("apiToken");
    const wildcard = await expectRejected(
      CREATE,
      hello({ greeting: "Hi", apiToken: SECRET, headers: { Authorization: MASK } }),
      {
        code: "BAD_USER_INPUT",
        field: "input.data",
      },
    );
    expect(wildcard.message).toContain("headers.Authorization");
  });

  it("the first bad thing is reported even when later ones would be too (slug before data)", async () => {
    await expectRejected(
      CREATE,
      { input: { blockTypeSlug: "no-such-type", name: "Bad Name", data: SECRET } },
      { code: "NOT_FOUND", field: "input.blockTypeSlug" },
    );
  });
});

describe("updateBlockDocument", () => {
  it("an unknown id: NOT_FOUND id", async () => {
    await expectRejected(
      UPDATE,
      { id: "00000000-0000-4000-8000-000000000000", data: { greeting: "Hi", apiToken: SECRET } },
      { code: "NOT_FOUND", field: "id" },
    );
    await expectRejected(
      UPDATE,
      { id: "not-a-uuid", data: { apiToken: SECRET }, merge: true },
      { code: "NOT_FOUND", field: "id" },
    );
  });

  it("data failing the schema: VALIDATION_FAILED data, the stored document untouched", async () => {
    const error = await expectRejected(
      UPDATE,
      { id: helloId, data: { apiToken: SECRET, retries: "x" } },
      { code: "VALIDATION_FAILED", field: "data" },
    );
    expect((error.extensions!.errors as Array<{ path: string }>).map((i) => i.path).sort()).toEqual([
      "/greeting",
      "/retries",
    ]);
    // a merge is validated as merged: the stored greeting counts, the bad value does not pass
    const merged = await expectRejected(
      UPDATE,
      { id: helloId, data: { apiToken: SECRET, extra: 1 }, merge: true },
      { code: "VALIDATION_FAILED", field: "data" },
    );
    expect(merged.extensions!.errors).toEqual([{ path: "/extra", message: expect.any(String) }]);
  });

  it("data not an object: BAD_USER_INPUT data", async () => {
    await expectRejected(UPDATE, { id: helloId, data: [SECRET] }, { code: "BAD_USER_INPUT", field: "data" });
    await expectRejected(UPDATE, { id: helloId, data: SECRET, merge: true }, { code: "BAD_USER_INPUT", field: "data" });
  });

  it('"********" where nothing is stored: BAD_USER_INPUT naming the secret field', async () => {
    const error = await expectRejected(
      UPDATE,
      { id: helloId, data: { greeting: "Hi", apiToken: SECRET, headers: { "X-New": MASK } } },
      {
        code: "BAD_USER_INPUT",
        field: "data",
      },
    );
    expect(error.message).toContain("headers.X-New");
  });

  it("the mask written back is accepted (the control case: the document still validates and keeps its secret)", async () => {
    await t.ok(UPDATE, { id: helloId, data: { greeting: "Hi", apiToken: MASK, headers: { Authorization: MASK } } });
    const { blockDocument } = await t.ok(
      graphql(`query($id: ID!) { blockDocument(id: $id, includeSecrets: true) { data } }`),
      {
        id: helloId,
      },
    );
    expect(blockDocument.data).toEqual({
      greeting: "Hi",
      apiToken: "tok-stored-1",
      headers: { Authorization: "hdr-stored-2" },
    });
  });
});

describe("deleteBlockDocument", () => {
  it("a block a deployment uses: CONFLICT naming the deployment, nothing deleted", async () => {
    const error = await expectRejected(DELETE, { id: storageId }, { code: "CONFLICT", field: "id" });
    expect(error.message).toContain("base/existing");
  });
});

describe("applyDeployment referencing blocks", () => {
  it.each([
    ["storageBlock", "hello-greeting/missing"],
    ["storageBlock", "local-file-system/missing/sub/dir"],
    ["storageBlock", "no-such-type/code"],
    ["storageBlock", "00000000-0000-4000-8000-000000000000"],
    ["infrastructureBlock", "process/missing"],
    ["infrastructureBlock", "00000000-0000-4000-8000-000000000000"],
  ])("%s naming a missing document %s: NOT_FOUND", async (field, ref) => {
    // a new flow and deployment: even the flow must not be written
    const error = await expectRejected(
      APPLY,
      { input: { flowName: "fresh", name: "dep", [field]: ref } },
      { code: "NOT_FOUND", field: `input.${field}` },
    );
    // the document part of the reference (a sub-path is not part of what is missing)
    expect(error.message).toContain(ref.split("/").slice(0, 2).join("/"));
  });

  it.each([
    ["storageBlock", "justone"],
    ["storageBlock", "local-file-system//code"],
    ["infrastructureBlock", "process/x/extra"],
  ])("%s of bad shape %s: BAD_USER_INPUT", async (field, ref) => {
    await expectRejected(
      APPLY,
      { input: { flowName: "fresh", name: "dep", [field]: ref } },
      { code: "BAD_USER_INPUT", field: `input.${field}` },
    );
  });

  it("re-applying an existing deployment with a missing block leaves it as it was", async () => {
    await expectRejected(
      APPLY,
      { input: { flowName: "base", name: "existing", storageBlock: "local-file-system/gone" } },
      {
        code: "NOT_FOUND",
        field: "input.storageBlock",
      },
    );
    const { deployment } = await t.ok(graphql(`{ deployment(slug: "base/existing") { storageDocument { id } } }`));
    expect(deployment.storageDocument.id).toBe(storageId);
  });
});

describe("block queries", () => {
  it('blockTypes(capability: "fly"): BAD_USER_INPUT capability', async () => {
    const error = await expectRejected(`{ blockTypes(capability: "fly") { slug } }`, undefined, {
      code: "BAD_USER_INPUT",
      field: "capability",
    });
    expect(error.message).toContain("run-infrastructure");
  });
});

describe("secrets never echoed by GraphQL's own input errors", () => {
  // graphql-js's variable coercion errors quote the offending input object, data included
  // (`Variable "$input" got invalid value { …, data: { apiToken: "…" } }`); the error mask
  // (src/graphql/errors.ts) drops the quoted value and keeps the path and the reason.
  it("a create missing blockTypeSlug, and one with an unknown input field", async () => {
    await expectRejected(
      CREATE,
      { input: { name: "x", data: { greeting: "Hi", apiToken: SECRET } } },
      { code: "BAD_USER_INPUT", field: "input" },
    );
    await expectRejected(
      CREATE,
      { input: { blockTypeSlug: "hello-greeting", name: "x", data: { apiToken: SECRET }, extra: 1 } },
      {
        code: "BAD_USER_INPUT",
        field: "input",
      },
    );
  });

  it("a wrongly typed scalar next to a secret names only that scalar", async () => {
    await expectRejected(
      CREATE,
      { input: { blockTypeSlug: 5, name: "x", data: { greeting: "Hi", apiToken: SECRET } } },
      {
        code: "BAD_USER_INPUT",
        field: "input.blockTypeSlug",
      },
    );
  });
});
