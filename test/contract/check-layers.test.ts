// The layer check (.ci/check-layers.mjs, `npm run lint:deps`) on small trees: each hole it used to
// have — type-only imports, dynamic import(), re-export shims, test files — is caught, and a clean
// tree passes. The trees are written to a temporary directory rather than kept under
// test/fixtures: their *.test.ts files would be collected by vitest, and their deliberate
// violations type-checked by tsc, if they sat in the repository.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkLayers, importsOf } from "../../.ci/check-layers.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const base = mkdtempSync(path.join(tmpdir(), "ordo-layers-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A tree that obeys every rule: each case below adds or replaces files in a copy of it. */
const CLEAN: Record<string, string> = {
  "package.json": JSON.stringify({ name: "ordo", devDependencies: { vitest: "*" } }),
  "src/config.ts": "export interface OrdoConfig { port: number }\n",
  "src/tokens.ts":
    'import type { OrdoConfig } from "./config.js";\nimport type { Db } from "./db/client.js";\nexport const CONFIG = Symbol("config") as symbol & { t?: OrdoConfig; d?: Db };\n',
  "src/db/client.ts": "export type Db = { write(): void };\nexport const open = (): Db => ({ write() {} });\n",
  "src/orchestration/states.ts": 'export const STATE_TYPES = ["SCHEDULED", "RUNNING"] as const;\n',
  "src/domain/runs.ts": [
    'import type { OrdoConfig } from "../config.js";',
    'import { open } from "../db/client.js";',
    'export { STATE_TYPES } from "../orchestration/states.js";',
    "export const createRun = (_c: OrdoConfig) => open().write();",
    "",
  ].join("\n"),
  "src/domain/runs.test.ts":
    'import { createRun } from "./runs.js";\nimport { harness } from "../../test/harness/app.js";\nvoid createRun; void harness;\n',
  "src/graphql/run.ts": [
    '// a comment naming import("../db/client.js") is no import, nor is a string:',
    "const text = 'import { open } from \"../db/client.js\"';",
    'import { createRun, STATE_TYPES } from "../domain/runs.js";',
    "export const resolvers = { createRun, STATE_TYPES, text, load: (name: string) => import(name) };",
    "",
  ].join("\n"),
  "test/harness/app.ts": 'import { resolvers } from "../../src/graphql/run.js";\nexport const harness = resolvers;\n',
  "test/fixtures/flows/hello.ts": "export const hello = () => 1;\n",
  "test/e2e/helper.ts": "export const helper = 1;\n",
  "test/e2e/run.test.ts": [
    'import { harness } from "../harness/app.js";',
    'import { hello } from "../fixtures/flows/hello.js";',
    'import { helper } from "./helper.js";',
    'import { open } from "../../src/db/client.js";',
    "void harness; void hello; void helper; void open;",
    "",
  ].join("\n"),
  "plugins/demo/package.json": JSON.stringify({ name: "demo", dependencies: { yaml: "*" } }),
  "plugins/demo/index.ts":
    'import { defineStep } from "ordo/blocks-sdk";\nimport { parse } from "yaml";\nimport { join } from "node:path";\nexport const lazy = () => import("yaml");\nvoid defineStep; void parse; void join;\n',
  "plugins/demo/demo.test.ts":
    'import { it } from "vitest";\nimport { lazy } from "./index.js";\nimport { harness } from "../../test/harness/app.js";\nvoid it; void lazy; void harness;\n',
};

let cases = 0;
function tree(changes: Record<string, string | null> = {}): string {
  const root = path.join(base, `t${++cases}`);
  for (const [file, text] of Object.entries({ ...CLEAN, ...changes })) {
    if (text === null) continue;
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}
const check = (changes: Record<string, string | null>) =>
  checkLayers(tree(changes)).map(({ file, line, kind, spec }) => ({ file, line, kind, spec }));

describe("the layer check", () => {
  it("passes a clean tree (comments, strings and computed import() are not imports)", () => {
    expect(checkLayers(tree())).toEqual([]);
  });

  it("catches type-only imports in every form", () => {
    expect(
      check({
        "src/graphql/types.ts": [
          'import type { Db } from "../db/client.js";',
          'import { type Db as D2 } from "../db/client.js";',
          'export type D3 = typeof import("../db/client.js");',
          "export type All = [Db, D2];",
          "",
        ].join("\n"),
      }),
    ).toEqual([
      { file: "src/graphql/types.ts", line: 1, kind: "import type", spec: "../db/client.js" },
      { file: "src/graphql/types.ts", line: 2, kind: "import type", spec: "../db/client.js" },
      { file: "src/graphql/types.ts", line: 3, kind: "import type()", spec: "../db/client.js" },
    ]);
  });

  it("lets a type: entry allow the types of a layer, not its code", () => {
    const problems = checkLayers(
      tree({ "src/tokens.ts": 'import { open } from "./db/client.js";\nexport const DB = open;\n' }),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'src/tokens.ts:1: import "./db/client.js" — tokens.ts may not import db/client.ts (tokens.ts may import: type:config.ts, type:db, type:events, type:validation)',
    ]);
  });

  it("catches a dynamic import() with a literal specifier in src/", () => {
    expect(
      check({
        "src/graphql/lazy.ts":
          'export const a = () => import("../db/client.js");\nexport const b = () => import(`../db/client.js`);\n',
      }),
    ).toEqual([
      { file: "src/graphql/lazy.ts", line: 1, kind: "dynamic import", spec: "../db/client.js" },
      { file: "src/graphql/lazy.ts", line: 2, kind: "dynamic import", spec: "../db/client.js" },
    ]);
  });

  it("counts a re-export as an import of its target", () => {
    expect(
      check({
        "src/graphql/shim.ts":
          'export * from "../db/client.js";\nexport type { Db } from "../db/client.js";\nexport * as db from "../db/client.js";\n',
      }),
    ).toEqual([
      { file: "src/graphql/shim.ts", line: 1, kind: "re-export", spec: "../db/client.js" },
      { file: "src/graphql/shim.ts", line: 2, kind: "re-export type", spec: "../db/client.js" },
      { file: "src/graphql/shim.ts", line: 3, kind: "re-export", spec: "../db/client.js" },
    ]);
  });

  it("charges the importer of a shim with what the shim re-exports, through any chain", () => {
    const problems = checkLayers(
      tree({
        "src/domain/db-shim.ts": 'export { open } from "./db-shim-2.js";\n',
        "src/domain/db-shim-2.ts": 'export * from "../db/client.js";\n',
        "src/graphql/uses-shim.ts": 'import { open } from "../domain/db-shim.js";\nexport const o = open;\n',
      }),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'src/graphql/uses-shim.ts:1: import "../domain/db-shim.js" — graphql may not import db/client.ts, which domain/db-shim.ts re-exports (graphql may import: graphql, domain, auth, events, generated, installation.ts, schedules, orchestration/states.ts, type:orchestration/orchestrator.ts)',
    ]);
  });

  it("holds a test beside the code to the rules of that code", () => {
    expect(
      check({
        "src/graphql/run.test.ts":
          'import { open } from "../db/client.js";\nimport type { Db } from "../db/client.js";\nimport { helper } from "../../test/e2e/helper.js";\nvoid open; void helper;\nexport type T = Db;\n',
        "src/db/client.test.ts": 'import { open } from "./client.js";\nimport "../graphql/run.test.js";\nvoid open;\n',
      }),
    ).toEqual([
      { file: "src/db/client.test.ts", line: 2, kind: "import", spec: "../graphql/run.test.js" },
      { file: "src/db/client.test.ts", line: 2, kind: "import", spec: "../graphql/run.test.js" },
      { file: "src/graphql/run.test.ts", line: 1, kind: "import", spec: "../db/client.js" },
      { file: "src/graphql/run.test.ts", line: 2, kind: "import type", spec: "../db/client.js" },
      { file: "src/graphql/run.test.ts", line: 3, kind: "import", spec: "../../test/e2e/helper.js" },
    ]);
  });

  it("keeps test/ and its helpers out of the code that ships", () => {
    expect(
      check({
        "src/db/client.ts": 'import { harness } from "../../test/harness/app.js";\nexport const h = harness;\n',
      }),
    ).toEqual([{ file: "src/db/client.ts", line: 1, kind: "import", spec: "../../test/harness/app.js" }]);
  });

  it("lets a test in test/ use src/, test/harness, test/fixtures and its own folder, not another suite or test file", () => {
    const problems = checkLayers(
      tree({
        "test/cli/expect-cli.ts": "export const expectCli = 1;\n",
        "test/e2e/cross.test.ts":
          'import { expectCli } from "../cli/expect-cli.js";\nimport "./run.test.js";\nvoid expectCli;\n',
      }),
    );
    expect(problems.map((p) => `${p.file}:${p.line} ${p.rule}`)).toEqual([
      "test/e2e/cross.test.ts:1 test/e2e may import from test/ only test/harness, test/fixtures and test/e2e; test/cli is another suite's internals (move it to test/harness)",
      "test/e2e/cross.test.ts:2 imports another test file (its tests would run twice); move the shared part to test/harness",
    ]);
  });

  it("holds plugins to their package: their tests may use the host and test tooling, their code may not", () => {
    expect(
      check({
        "plugins/demo/index.ts":
          'import { open } from "../../src/db/client.js";\nimport { it } from "vitest";\nexport const lazy = () => import("left-pad");\nvoid open; void it;\n',
      }),
    ).toEqual([
      { file: "plugins/demo/index.ts", line: 1, kind: "import", spec: "../../src/db/client.js" },
      { file: "plugins/demo/index.ts", line: 2, kind: "import", spec: "vitest" },
      { file: "plugins/demo/index.ts", line: 3, kind: "dynamic import", spec: "left-pad" },
    ]);
  });

  it("names a folder of src/ that is not in the table", () => {
    expect(check({ "src/misc/x.ts": "export const x = 1;\n" })).toEqual([
      { file: "src/misc/x.ts", line: 1, kind: "folder", spec: "misc" },
    ]);
  });

  it("reads every import form, with its line", () => {
    expect(
      importsOf(
        'import a from "./a.js";\nimport "./b.js";\nexport { c } from "./c.js";\nimport { type D } from "./d.js";\nimport {} from "./e.js";\n',
      ),
    ).toEqual([
      { spec: "./a.js", line: 1, kind: "import", typeOnly: false },
      { spec: "./b.js", line: 2, kind: "import", typeOnly: false },
      { spec: "./c.js", line: 3, kind: "re-export", typeOnly: false },
      { spec: "./d.js", line: 4, kind: "import type", typeOnly: true },
      { spec: "./e.js", line: 5, kind: "import", typeOnly: false },
    ]);
  });

  it("passes on this repository, from the command line (npm run lint:deps)", () => {
    expect(execFileSync(process.execPath, [path.join(repo, ".ci/check-layers.mjs")], { encoding: "utf8" })).toBe(
      "layers: ok\n",
    );
  });
});
