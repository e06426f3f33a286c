// `ordo block ls / types / inspect / create / delete / register` against a real server that loads
// the hello fixture plugin (a block type with secret fields): secrets never shown, a block in use
// not deleted, and a plugin checked the way the server loads it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo, ordoJson } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { expectFailure, expectHelp, expectOk } from "./expect-cli.js";
import { graphql } from "../harness/documents.js";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/plugins");
let t: TestApp;
let url: string;
let dir: string;

beforeAll(async () => {
  t = await createTestApp({ plugins: [path.join(FIXTURES, "ordo-plugin-hello")] });
  ({ url } = await t.app.start());
  dir = await mkdtemp(path.join(os.tmpdir(), "ordo-cli-block-"));
});

afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("ordo block types", () => {
  it("lists the plugins' block types with their capabilities, optionally by capability", async () => {
    const [table, json, infra, help] = await Promise.all([
      ordo(url, ["block", "types"]),
      ordoJson<
        Array<{ slug: string; plugin: string; latestSchema: { capabilities: string[]; secretFields: string[] } }>
      >(url, ["block", "types"]),
      ordoJson<Array<{ slug: string }>>(url, ["block", "types", "--capability", "run-infrastructure"]),
      ordo(url, ["block", "--help"]),
    ]);
    expect(expectOk(table)).toMatch(/slug.*capabilities.*plugin.*description/);
    expect(table.stdout).toMatch(/hello-greeting.*read-path.*ordo-plugin-hello.*Greets/);
    expect(table.stdout).toMatch(/local-file-system.*read-path, write-path, get-directory, put-directory/);
    expect(json.find((b) => b.slug === "hello-greeting")).toMatchObject({
      plugin: "ordo-plugin-hello",
      latestSchema: { capabilities: ["read-path"], secretFields: ["apiToken", "headers.*"] },
    });
    expect(infra.map((b) => b.slug)).toEqual(["docker-container", "kubernetes-job", "process"]);
    expectHelp(help, "ls", "types", "inspect", "create", "delete", "register");
  });
});

describe("ordo block create / ls / inspect / delete", () => {
  it("creates blocks from --data, a YAML file or a JSON file; lists them; inspects them with secrets masked", async () => {
    await writeFile(
      path.join(dir, "greet.yaml"),
      "greeting: hello\naudience: team\napiToken: yaml-secret\nheaders:\n  x-auth: header-secret\n",
    );
    await writeFile(path.join(dir, "greet.json"), JSON.stringify({ greeting: "hi", apiToken: "json-secret" }));
    const [fromData, fromYaml, fromJson] = await Promise.all([
      ordo(url, [
        "block",
        "create",
        "hello-greeting",
        "from-data",
        "--data",
        '{"greeting":"hey","apiToken":"data-secret"}',
      ]),
      ordoJson<{ slug: string; data: Record<string, unknown> }>(url, [
        "block",
        "create",
        "hello-greeting",
        "from-yaml",
        "-f",
        path.join(dir, "greet.yaml"),
      ]),
      ordo(url, ["block", "create", "hello-greeting", "from-json", "--file", path.join(dir, "greet.json")]),
    ]);
    expect(expectOk(fromData)).toMatch(/^Created block hello-greeting\/from-data \([0-9a-f-]+\)\n$/);
    expect(fromYaml).toMatchObject({
      slug: "hello-greeting/from-yaml",
      data: { greeting: "hello", audience: "team", apiToken: "********", headers: { "x-auth": "********" } },
    });
    expectOk(fromJson);

    const [table, listed, byType, inspected, json, help] = await Promise.all([
      ordo(url, ["block", "ls"]),
      ordoJson<Array<{ slug: string; blockType: { slug: string } }>>(url, ["block", "ls"]),
      ordoJson<Array<{ slug: string }>>(url, ["block", "ls", "--type", "local-file-system"]),
      ordo(url, ["block", "inspect", "hello-greeting/from-yaml"]),
      ordoJson<{ id: string; data: Record<string, unknown>; blockSchema: { secretFields: string[] } }>(url, [
        "block",
        "inspect",
        "hello-greeting/from-data",
      ]),
      ordo(url, ["block", "create", "--help"]),
    ]);
    expect(expectOk(table)).toMatch(/id.*type.*name.*updated/);
    expect(table.stdout).toMatch(/hello-greeting.*from-data/);
    expect(listed.map((b) => b.slug).sort()).toEqual([
      "hello-greeting/from-data",
      "hello-greeting/from-json",
      "hello-greeting/from-yaml",
    ]);
    expect(byType).toEqual([]);
    expect(expectOk(inspected)).toMatch(/slug\s+hello-greeting\/from-yaml/);
    expect(inspected.stdout).toMatch(/secret fields\s+apiToken, headers\.\*/);
    expect(inspected.stdout).toContain('"audience": "team"');
    expect(inspected.stdout).not.toMatch(/yaml-secret|header-secret/);
    expect(json.data).toEqual({ greeting: "hey", apiToken: "********" });
    expectHelp(help, "--data", "--file", "--overwrite");

    // the id works as well as the slug
    const byId = await ordoJson<{ slug: string }>(url, ["block", "inspect", json.id]);
    expect(byId.slug).toBe("hello-greeting/from-data");
  });

  it("--overwrite replaces an existing block's data; a masked secret written back keeps the stored one", async () => {
    await t.ok(
      graphql(
        `mutation { createBlockDocument(input: { blockTypeSlug: "hello-greeting", name: "rotate", data: { greeting: "one", apiToken: "keep-me" } }) { id } }`,
      ),
    );
    const r = await ordo(url, [
      "block",
      "create",
      "hello-greeting",
      "rotate",
      "--overwrite",
      "--data",
      '{"greeting":"two","apiToken":"********"}',
    ]);
    expect(expectOk(r)).toMatch(/^Updated block hello-greeting\/rotate/);
    const stored = await t.ok(
      graphql(`{ blockDocument(slug: "hello-greeting/rotate", includeSecrets: true) { data } }`),
    );
    expect(stored.blockDocument.data).toEqual({ greeting: "two", apiToken: "keep-me" });
  });

  it("deletes a block, but not one a deployment uses: the refusal names the deployment", async () => {
    await t.ok(
      graphql(
        `mutation($basePath: JSON!) { createBlockDocument(input: { blockTypeSlug: "local-file-system", name: "code", data: $basePath }) { id } }`,
      ),
      { basePath: { basePath: dir } },
    );
    await t.ok(
      graphql(
        `mutation { createBlockDocument(input: { blockTypeSlug: "hello-greeting", name: "doomed", data: { greeting: "bye", apiToken: "x" } }) { id } }`,
      ),
    );
    await t.ok(
      graphql(
        `mutation { applyDeployment(input: { flowName: "etl", name: "uses-code", storageBlock: "local-file-system/code" }) { created } }`,
      ),
    );

    const [inUse, deleted] = await Promise.all([
      ordo(url, ["block", "delete", "local-file-system/code"]),
      ordoJson(url, ["block", "delete", "hello-greeting/doomed"]),
    ]);
    expectFailure(inUse, /used by deployment etl\/uses-code.*CONFLICT/);
    expect(deleted).toMatchObject({ slug: "hello-greeting/doomed", deleted: true });
    const gone = await ordo(url, ["block", "inspect", "hello-greeting/doomed"]);
    expectFailure(gone, /no block named "hello-greeting\/doomed"/);
  });

  it("bad input exits non-zero with one line naming the problem, and writes nothing", async () => {
    await writeFile(path.join(dir, "broken.yaml"), "greeting: [unclosed\napiToken: x\n");
    await writeFile(path.join(dir, "broken.json"), "{ nope");
    await writeFile(path.join(dir, "list.json"), "[1, 2]");
    const before = await t.ok(graphql(`{ blockDocuments(includeAnonymous: true) { totalCount } }`));
    const cases: Array<[string[], RegExp]> = [
      [["block", "create", "hello-greeting", "x", "--data", "{not json"], /--data is not valid JSON/],
      [["block", "create", "hello-greeting", "x"], /give the block's data with either --data JSON or -f FILE/],
      [["block", "create", "no-such-type", "x", "--data", "{}"], /No block type "no-such-type".*NOT_FOUND/],
      [["block", "create", "hello-greeting", "x", "--data", '{"greeting":""}'], /apiToken.*VALIDATION_FAILED/],
      [
        ["block", "create", "hello-greeting", "x", "-f", path.join(dir, "missing.yaml")],
        /cannot read .*missing\.yaml: no such file/,
      ],
      [["block", "create", "hello-greeting", "x", "-f", path.join(dir, "broken.yaml")], /broken\.yaml:\d+:\d+: /],
      [
        ["block", "create", "hello-greeting", "x", "-f", path.join(dir, "broken.json")],
        /broken\.json is not valid JSON/,
      ],
      [["block", "create", "hello-greeting", "x", "-f", path.join(dir, "list.json")], /must hold a JSON object/],
      [["block", "inspect", "hello-greeting/nope"], /no block named "hello-greeting\/nope"/],
      [["block", "delete", "hello-greeting/nope"], /no block named "hello-greeting\/nope"/],
    ];
    const results = await Promise.all(cases.map(([args]) => ordo(url, args, { cwd: dir })));
    results.forEach((r, i) => expectFailure(r, cases[i]![1]));
    expect(await t.ok(graphql(`{ blockDocuments(includeAnonymous: true) { totalCount } }`))).toEqual(before);
  });
});

describe("ordo block register", () => {
  it("loads a plugin package as the server does: block types, schema checksums, secret fields, and whether the server has them", async () => {
    const [hello, marked, help] = await Promise.all([
      ordoJson<any>(url, ["block", "register", path.join(FIXTURES, "ordo-plugin-hello")]),
      ordo(url, ["block", "register", "./acme-ordo-plugin-marked"], { cwd: FIXTURES }),
      ordo(url, ["block", "register", "--help"]),
    ]);
    expect(hello).toMatchObject({
      plugin: "ordo-plugin-hello",
      version: "1.2.3",
      // the secrets the schema marks (writeOnly / format "password")
      blockTypes: [
        {
          slug: "hello-greeting",
          capabilities: ["read-path"],
          secretFields: ["apiToken", "headers.*"],
          server: "registered",
        },
      ],
    });
    // the checksum is the one the server stored for the schema
    const stored = await t.ok(
      graphql(`{ blockType(slug: "hello-greeting") { latestSchema { checksum secretFields } } }`),
    );
    expect(hello.blockTypes[0].checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored.blockType.latestSchema).toEqual({
      checksum: hello.blockTypes[0].checksum,
      secretFields: ["apiToken", "headers.*"],
    });

    expect(expectOk(marked)).toContain("Plugin @acme/ordo-plugin-marked 2.0.0");
    expect(marked.stdout).toMatch(/slug.*capabilities.*secret fields.*checksum.*on the server/);
    expect(marked.stdout).toMatch(/acme-webhook.*secret.*sha256:[0-9a-f]+.*not registered/);
    expect(marked.stdout).toContain(
      "install @acme/ordo-plugin-marked where the server runs (or add it to the server's ORDO_PLUGINS)",
    );
    expectHelp(help, "ORDO_PLUGINS", "<package-or-path>", "checksum");
  });

  it("checks a package with no server to compare with: the check stands, the comparison is reported on stderr", async () => {
    const r = await ordo("http://127.0.0.1:1/graphql", ["block", "register", path.join(FIXTURES, "ordo-plugin-hello")]);
    expect(expectOk(r)).toMatch(/hello-greeting.*apiToken, headers\.\*.*sha256:[0-9a-f]+.*unknown/);
    expect(r.stderr).toMatch(
      /could not compare with the server: cannot reach the Ordo server at http:\/\/127\.0\.0\.1:1\/graphql/,
    );
  });

  it("a plugin that does not load exits non-zero with the loader's reason", async () => {
    const [broken, duplicate, missing, notPackage] = await Promise.all([
      ordo(url, ["block", "register", "ordo-plugin-broken-schema"], { cwd: FIXTURES }),
      ordo(url, ["block", "register", path.join(FIXTURES, "ordo-plugin-duplicate")]),
      ordo(url, ["block", "register", "no-such-ordo-plugin"], { cwd: dir }),
      ordo(url, ["block", "register", dir]),
    ]);
    expectFailure(
      broken,
      /the plugin does not load: Plugin "ordo-plugin-broken-schema" block type "broken-thing": schema \/properties\/x\/type/,
    );
    expectFailure(
      duplicate,
      /the plugin does not load: .*block type "local-file-system": slug is already declared by plugin "@ordo\/plugin-local-file-system"/,
    );
    expectFailure(missing, /no package "no-such-ordo-plugin" found from /);
    expectFailure(notPackage, /is not a package folder \(no package\.json\)/);
  });

  it("stops JavaScript plugins on what types would have caught, and on what only the server's boot would", async () => {
    // packages in a temp folder, importing the compiled SDK the CLI runs by URL (no node_modules/ordo there)
    const sdk = pathToFileURL(path.join(REPO_ROOT, "dist/src/blocks/sdk.js")).href;
    const plugin = async (name: string, body: string) => {
      const pkg = path.join(dir, name);
      await mkdir(pkg, { recursive: true });
      await writeFile(
        path.join(pkg, "package.json"),
        JSON.stringify({ name, version: "0.0.1", type: "module", ordo: { plugin: "./index.js" } }),
      );
      await writeFile(
        path.join(pkg, "index.js"),
        `import { LOGGER, defineBlockType, definePlugin, defineToken } from ${JSON.stringify(sdk)};\nclass Thing {}\n${body}\n`,
      );
      return pkg;
    };
    const type = (inject: string) =>
      `defineBlockType({ slug: "thing", name: "Thing", schema: { type: "object" }, capabilities: [], inject: ${inject}, implementation: Thing })`;
    const [listed, unbound, renamed] = await Promise.all([
      plugin("ordo-plugin-listed-inject", `export default definePlugin({ blockTypes: [${type("[LOGGER]")}] });`),
      plugin(
        "ordo-plugin-unbound",
        `export default definePlugin({ blockTypes: [${type('{ logger: LOGGER, db: defineToken("acme.Db") }')}] });`,
      ),
      plugin(
        "ordo-plugin-renamed",
        `export default definePlugin({ name: "ordo-plugin-other", blockTypes: [${type("{}")}] });`,
      ),
    ]);
    const results = await Promise.all([listed, unbound, renamed].map((p) => ordo(url, ["block", "register", p])));
    expectFailure(
      results[0]!,
      /the plugin does not load: Plugin "ordo-plugin-listed-inject" block type "thing": inject must name each dependency, e\.g\. \{ logger: LOGGER \}/,
    );
    expectFailure(
      results[1]!,
      /the plugin does not load: Plugin "ordo-plugin-unbound" block type "thing": inject\/db Symbol\(ordo\.blocks\.acme\.Db\) is not registered in the container/,
    );
    expectFailure(
      results[2]!,
      /the plugin does not load: Plugin "ordo-plugin-renamed": name is "ordo-plugin-other" in definePlugin\(\) but "ordo-plugin-renamed" in package\.json/,
    );
  });
});
