// Checks the import arrows of DESIGN.md: each src/ folder may import only the folders listed
// here; plugins import only the block SDK. Type-only imports are exempt (no runtime coupling).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const src = path.join(root, "src");

const ALLOWED = {
  graphql: ["graphql", "domain", "auth", "events", "generated", "installation.ts"],
  domain: ["domain", "db", "orchestration", "schedules", "blocks", "validation", "events", "generated", "tokens.ts"],
  orchestration: ["orchestration", "db", "tokens.ts"],
  schedules: ["schedules"],
  services: ["services", "domain", "orchestration", "db", "events", "tokens.ts"],
  blocks: ["blocks", "validation", "installation.ts", "typescript-loader.ts"],
  worker: ["worker", "client", "blocks", "installation.ts", "typescript-loader.ts"],
  client: ["client"],
  sdk: ["sdk", "client", "installation.ts"],
  // the CLI loads plugins as workers do (DESIGN "Block plugins"): `ordo block register` checks one
  cli: ["cli", "client", "sdk", "worker", "blocks", "config.ts", "installation.ts", "typescript-loader.ts"],
  db: ["db", "generated", "config.ts", "installation.ts"],
  events: ["events"],
  // API keys, scopes and origin rules; it raises the domain's coded errors (domain/errors.ts)
  auth: ["auth", "db", "domain", "events", "tokens.ts"],
  validation: ["validation"],
  server: null, // the wiring layer may import anything
  "container.ts": null,
  "main.ts": null,
  "tokens.ts": [],
  "config.ts": [],
  // where the package lives, compiled or not; tsx on demand for TypeScript flows and plugins
  "installation.ts": [],
  "typescript-loader.ts": ["installation.ts"],
};

const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? (f === "generated" || f === "node_modules" ? [] : files(p)) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });

const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;
const problems = [];

for (const file of files(src)) {
  const layer = path.relative(src, file).split(path.sep)[0];
  const allowed = ALLOWED[layer];
  if (allowed === undefined) problems.push(`${path.relative(root, file)}: folder "${layer}" is not in the layer table`);
  if (!allowed) continue;
  for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
    if (!spec.startsWith(".")) continue;
    const target = path.relative(src, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
    if (target.startsWith("..")) continue;
    const name = target.replace(/\.js$/, ".ts");
    if (!allowed.includes(name)) problems.push(`${path.relative(root, file)} imports ${spec} (${layer} → ${name})`);
  }
}

// Plugins are packages of their own: besides node's modules they import only `ordo/blocks-sdk`,
// their own package.json's dependencies (statically or with import()) and their own files;
// test-server.ts (not published) may also use devDependencies. Tests are exempt.
const pluginsDir = path.join(root, "plugins");
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
const packageOf = (spec) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
for (const plugin of readdirSync(pluginsDir).filter((f) => statSync(path.join(pluginsDir, f)).isDirectory())) {
  const dir = path.join(pluginsDir, plugin);
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const deps = new Set(Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies }).filter((d) => d !== "ordo"));
  const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
  for (const file of files(dir)) {
    const text = readFileSync(file, "utf8");
    const rel = path.relative(root, file);
    for (const [, spec] of [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]) {
      if (spec.startsWith(".")) {
        if (!path.resolve(path.dirname(file), spec).startsWith(dir + path.sep)) problems.push(`${rel} imports ${spec}: a plugin imports only its own files`);
      } else if (spec.startsWith("node:") || builtinModules.includes(spec) || spec === "ordo/blocks-sdk") {
        continue;
      } else if (!deps.has(packageOf(spec)) && !(path.basename(file) === "test-server.ts" && devDeps.has(packageOf(spec)))) {
        problems.push(`${rel} imports ${spec}: not ordo/blocks-sdk nor a dependency in ${path.relative(root, path.join(dir, "package.json"))}`);
      }
    }
  }
}

if (problems.length) {
  console.error(`Layering violations (see DESIGN.md "Layout"):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("layers: ok");
