// Checks the import arrows of DESIGN.md "Layout": each src/ folder may import only the folders
// listed here; plugins import only the block SDK; tests keep to their own side. Every edge counts:
// `import type` too (a type from the wrong layer is how the runtime import comes next), re-exports
// (`export … from` is an import of its target, and importing a re-exporting shim is charged with
// what the shim re-exports, so a shim cannot route around a rule), and `import("…")` /
// `typeof import("…")` with a literal specifier. `checkLayers(root)` is the check (the contract
// test runs it on fixture trees); run as a script it checks this repository and exits 1 on a violation.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
// already a devDependency (tsc): its parser sees every import form, and never one in a comment or a string
import ts from "typescript";

// Each layer (a src/ folder or top-level file) → what it may import. An entry is a folder or a
// file under src/ ("orchestration/states.ts" allows that one file); "type:" before it allows
// type-only imports of it (`import type`, `export type … from`, `typeof import()`), which
// couple no code at run time. null: anything.
export const ALLOWED = {
  // "generated": the Prisma client's types, for the read-only view of the database in context.ts.
  // schedules/ is pure date arithmetic (no I/O): its definition shapes and bounds describe the
  // API's inputs, so the API reads them there (it did through a domain re-export before).
  // orchestration/states.ts is the state vocabulary (names, no database) the enums expose; the
  // orchestrator's result is a mutation's answer, which the API may name as a type only.
  graphql: [
    "graphql",
    "domain",
    "auth",
    "events",
    "generated",
    "installation.ts",
    "schedules",
    "orchestration/states.ts",
    "type:orchestration/orchestrator.ts",
  ],
  // the domain is handed the settings through the CONFIG token; it names their type only
  domain: [
    "domain",
    "db",
    "orchestration",
    "schedules",
    "blocks",
    "validation",
    "events",
    "generated",
    "tokens.ts",
    "type:config.ts",
  ],
  orchestration: ["orchestration", "db", "tokens.ts"],
  schedules: ["schedules"],
  services: ["services", "domain", "orchestration", "db", "events", "tokens.ts", "type:config.ts"],
  blocks: ["blocks", "validation", "installation.ts", "typescript-loader.ts"],
  // the worker and the CLI take JSON from users (job variables, parameters, step inputs): it passes
  // the one intake every JSON input passes (DESIGN invariant 8), not a copy of it
  // the flow contract (symbols and run context) is the one module the SDK and the executor share
  worker: [
    "worker",
    "client",
    "blocks",
    "validation/json-intake.ts",
    "flow-contract.ts",
    "installation.ts",
    "typescript-loader.ts",
  ],
  client: ["client"],
  sdk: ["sdk", "client", "flow-contract.ts", "installation.ts"],
  // the CLI loads plugins as workers do (DESIGN "Block plugins"): `ordo block register` checks one
  cli: [
    "cli",
    "client",
    "sdk",
    "worker",
    "blocks",
    "validation/json-intake.ts",
    "flow-contract.ts",
    "config.ts",
    "installation.ts",
    "typescript-loader.ts",
  ],
  db: ["db", "generated", "config.ts", "installation.ts"],
  // a topic's payload names the state types of the runs it is about
  events: ["events", "type:orchestration/states.ts"],
  // API keys, scopes and origin rules; it raises the domain's coded errors (domain/errors.ts)
  auth: ["auth", "db", "domain", "events", "tokens.ts"],
  validation: ["validation"],
  // the dashboard is browser code: it reaches the server only over GraphQL (its own typed documents);
  // the one exception is the secret-path rules (pure code), so its forms find the secrets the server masks
  ui: ["ui", "blocks/secret-paths.ts"],
  generated: null, // written by prisma generate / codegen, not by hand
  server: null, // the wiring layer may import anything
  "container.ts": null,
  "main.ts": null,
  // a token carries the type of what it injects (settings, database, event bus, validator)
  "tokens.ts": ["type:config.ts", "type:db", "type:events", "type:validation"],
  "config.ts": [],
  // where the package lives, compiled or not; tsx on demand for TypeScript flows and plugins
  "installation.ts": [],
  "typescript-loader.ts": ["installation.ts"],
  // the symbols and run context flow code and the executor share (imports nothing)
  "flow-contract.ts": [],
};

/** Whether `rel` (a path under src/) is allowed by the list, for a type-only import or not. */
const allows = (allowed, rel, typeOnly) =>
  allowed.some((entry) => {
    const [typeEntry, name] = entry.startsWith("type:") ? [true, entry.slice(5)] : [false, entry];
    return (!typeEntry || typeOnly) && (rel === name || rel.startsWith(`${name}/`));
  });

// test/ folders every test may import from; any other test/ folder is one suite's internals
const SHARED_TEST_FOLDERS = ["harness", "fixtures"];

const isTest = (file) => file.endsWith(".test.ts");
/** test files and the fixtures files only tests import (*.fixtures.ts, kept out of the build) */
const isTestSide = (file) => isTest(file) || file.endsWith(".fixtures.ts");
const posix = (p) => p.split(path.sep).join("/");

const walk = (dir, skip = () => false) =>
  !existsSync(dir)
    ? []
    : readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) return f === "node_modules" || skip(p) ? [] : walk(p, skip);
        return /\.(?:m|c)?tsx?$/.test(f) && !f.endsWith(".d.ts") ? [p] : [];
      });

/**
 * Every module specifier a file names: `{ spec, line, kind, typeOnly }`, kind one of import,
 * import type, re-export, re-export type, dynamic import, import type() (`typeof import("…")`).
 */
export function importsOf(text, fileName = "file.ts") {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const add = (literal, kind) => {
    if (!literal || !(ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal))) return; // a computed specifier cannot be checked
    const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
    found.push({ spec: literal.text, line, kind, typeOnly: kind.includes("type") });
  };
  // `import { type A, type B }` / `export { type A } from` name types only; `import {}` still runs the module
  const allTypes = (named) =>
    named && "elements" in named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = clause && (clause.isTypeOnly || (!clause.name && allTypes(clause.namedBindings)));
      add(node.moduleSpecifier, typeOnly ? "import type" : "import");
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly || allTypes(node.exportClause) ? "re-export type" : "re-export");
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, "import");
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], "dynamic import");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, "import type()");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The file a relative specifier names (`./x.js` → x.ts, a folder → its index.ts; the dashboard's
 * bundler-style `./x` → x.ts or x.tsx), or null.
 */
function resolveFile(from, spec) {
  const p = path.resolve(path.dirname(from), spec);
  const candidates = [
    p.replace(/\.js$/, ".ts"),
    p.replace(/\.mjs$/, ".mts"),
    p,
    `${p}.ts`,
    `${p}.tsx`,
    path.join(p, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

const packageOf = (spec) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");
const isBuiltin = (spec) => spec.startsWith("node:") || builtinModules.includes(spec);

/**
 * Checks the tree at `root` (its src/, plugins/ and test/): returns the violations, each
 * `{ file, line, spec, kind, rule, message }` with file relative to root, sorted by file and line.
 */
export function checkLayers(root) {
  const src = path.join(root, "src");
  const testDir = path.join(root, "test");
  const pluginsDir = path.join(root, "plugins");
  const problems = [];
  const importCache = new Map();
  const importsOfFile = (file) => {
    if (!importCache.has(file)) importCache.set(file, importsOf(readFileSync(file, "utf8"), file));
    return importCache.get(file);
  };
  const report = (file, imp, rule) =>
    problems.push({
      file: posix(path.relative(root, file)),
      line: imp.line,
      spec: imp.spec,
      kind: imp.kind,
      rule,
      message: `${posix(path.relative(root, file))}:${imp.line}: ${imp.kind} "${imp.spec}" — ${rule}`,
    });

  /**
   * What `file` re-exports, transitively (a shim's targets): a Map file → typeOnly, type-only when
   * every re-export on the way is `export type`.
   */
  const reexported = (file, typeOnly = false, seen = new Map()) => {
    for (const imp of importsOfFile(file)) {
      if (!imp.kind.startsWith("re-export") || !imp.spec.startsWith(".")) continue;
      const target = resolveFile(file, imp.spec);
      const viaType = typeOnly || imp.typeOnly;
      if (target && (!seen.has(target) || (seen.get(target) && !viaType))) {
        seen.set(target, viaType);
        reexported(target, viaType, seen);
      }
    }
    return seen;
  };

  // ── src/: the layer table. A test beside the code obeys the rules of the code it sits beside,
  // and may also use test/harness and test/fixtures; code that ships never imports test/.
  const layerOf = (file) => posix(path.relative(src, file)).split("/")[0];
  const inside = (dir, file) => file === dir || file.startsWith(dir + path.sep);
  const srcFiles = walk(src, (p) => p === path.join(src, "generated"));
  for (const file of srcFiles) {
    const layer = layerOf(file);
    const allowed = ALLOWED[layer];
    if (allowed === undefined) {
      report(
        file,
        { line: 1, spec: layer, kind: "folder" },
        `folder "${layer}" is not in the layer table of .ci/check-layers.mjs`,
      );
      continue;
    }
    for (const imp of importsOfFile(file)) {
      if (!imp.spec.startsWith(".")) continue;
      const resolved = path.resolve(path.dirname(file), imp.spec);
      if (!inside(src, resolved)) {
        if (inside(testDir, resolved)) {
          const folder = posix(path.relative(testDir, resolved)).split("/")[0];
          if (!isTestSide(file)) report(file, imp, `src/ code ships: it never imports test/`);
          else if (!SHARED_TEST_FOLDERS.includes(folder))
            report(
              file,
              imp,
              `a test beside the code imports only test/harness and test/fixtures from test/, not test/${folder}`,
            );
        }
        continue;
      }
      const target = resolveFile(file, imp.spec);
      // a specifier naming no file is tsc's error to report, not a layer question
      if (!target) continue;
      if (isTest(target) && target !== file)
        report(file, imp, `imports another test file (its tests would run twice); move the shared part to a helper`);
      if (!allowed) continue;
      const rel = posix(path.relative(src, target));
      const may = `${layer} may import: ${allowed.join(", ") || "nothing"}`;
      if (!allows(allowed, rel, imp.typeOnly)) {
        report(file, imp, `${layer} may not ${imp.typeOnly ? "import types from" : "import"} ${rel} (${may})`);
        continue;
      }
      // a shim's re-exports count against the importer: graphql → domain/x.ts → `export … from "../../db/…"` is graphql → db
      for (const [via, viaType] of reexported(target)) {
        if (!inside(src, via)) continue;
        const viaRel = posix(path.relative(src, via));
        const typeOnly = imp.typeOnly || viaType;
        if (!allows(allowed, viaRel, typeOnly))
          report(
            file,
            imp,
            `${layer} may not ${typeOnly ? "import types from" : "import"} ${viaRel}, which ${rel} re-exports (${may})`,
          );
      }
    }
  }

  // ── test/: tests may import anything outside test/ (src, plugins, tooling); inside test/ only
  // test/harness, test/fixtures and the helpers of their own folder (test/cli/expect-cli.ts for
  // test/cli/*), never a *.test.ts file and never another suite's helpers.
  for (const file of walk(testDir)) {
    const folder = posix(path.relative(testDir, file)).split("/")[0];
    for (const imp of importsOfFile(file)) {
      if (!imp.spec.startsWith(".")) continue;
      const target = resolveFile(file, imp.spec) ?? path.resolve(path.dirname(file), imp.spec);
      if (!inside(testDir, target)) continue;
      const targetFolder = posix(path.relative(testDir, target)).split("/")[0];
      if (isTest(target))
        report(
          file,
          imp,
          `imports another test file (its tests would run twice); move the shared part to test/harness`,
        );
      else if (targetFolder !== folder && !SHARED_TEST_FOLDERS.includes(targetFolder))
        report(
          file,
          imp,
          `test/${folder} may import from test/ only test/harness, test/fixtures and test/${folder}; test/${targetFolder} is another suite's internals (move it to test/harness)`,
        );
    }
  }

  // ── plugins/: packages of their own. Besides node's modules they import only `ordo/blocks-sdk`,
  // their own package.json's dependencies (statically or with import()) and their own files.
  // Their tests and test-server.ts (not published) stand in for the server: they may also use
  // the plugin's devDependencies, the root package's (vitest, ajv…), the host's src/,
  // test/harness and test/fixtures, and another plugin through its entry (index.ts, test-server.ts).
  const rootPkg = existsSync(path.join(root, "package.json"))
    ? JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"))
    : {};
  const rootDeps = new Set(["vitest", ...Object.keys({ ...rootPkg.dependencies, ...rootPkg.devDependencies })]);
  const plugins = existsSync(pluginsDir)
    ? readdirSync(pluginsDir).filter((f) => statSync(path.join(pluginsDir, f)).isDirectory())
    : [];
  for (const plugin of plugins) {
    const dir = path.join(pluginsDir, plugin);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const deps = new Set(
      Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies }).filter(
        (d) => d !== "ordo",
      ),
    );
    const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
    const pkgJson = posix(path.relative(root, path.join(dir, "package.json")));
    for (const file of walk(dir)) {
      const testSide = isTestSide(file) || path.basename(file) === "test-server.ts";
      for (const imp of importsOfFile(file)) {
        const { spec } = imp;
        if (spec.startsWith(".")) {
          const target = path.resolve(path.dirname(file), spec);
          if (inside(dir, target)) {
            const resolved = resolveFile(file, spec);
            if (resolved && isTest(resolved))
              report(file, imp, `imports another test file (its tests would run twice)`);
            continue;
          }
          if (!testSide) {
            report(file, imp, `a plugin imports only its own files (it is published as a package of its own)`);
            continue;
          }
          const resolved = resolveFile(file, spec) ?? target;
          const otherPlugin =
            inside(pluginsDir, resolved) &&
            ["index.ts", "test-server.ts"].includes(path.relative(path.dirname(resolved), resolved)) &&
            path.dirname(path.dirname(resolved)) === pluginsDir;
          const testShared =
            inside(testDir, resolved) &&
            SHARED_TEST_FOLDERS.includes(posix(path.relative(testDir, resolved)).split("/")[0]);
          if (!(inside(src, resolved) || otherPlugin || testShared))
            report(
              file,
              imp,
              `a plugin's test imports its own files, src/, test/harness, test/fixtures or another plugin's index.ts / test-server.ts`,
            );
        } else if (isBuiltin(spec) || spec === "ordo/blocks-sdk") {
        } else if (
          !deps.has(packageOf(spec)) &&
          !(testSide && (devDeps.has(packageOf(spec)) || rootDeps.has(packageOf(spec))))
        ) {
          report(
            file,
            imp,
            testSide
              ? `not ordo/blocks-sdk nor a dependency in ${pkgJson} or the root package.json`
              : `not ordo/blocks-sdk nor a dependency in ${pkgJson}`,
          );
        }
      }
    }
  }

  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const problems = checkLayers(root);
  if (problems.length) {
    console.error(
      `Layering violations (see DESIGN.md "Layout"; the rules are in .ci/check-layers.mjs):\n  ${problems.map((p) => p.message).join("\n  ")}`,
    );
    process.exit(1);
  }
  console.log("layers: ok");
}
