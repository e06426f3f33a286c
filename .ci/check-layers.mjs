// Checks the import arrows of DESIGN.md: each src/ folder may import only the folders listed
// here; plugins import only the block SDK. Type-only imports are exempt (no runtime coupling).
import { readdirSync, readFileSync, statSync } from "node:fs";
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

const pluginsDir = path.join(root, "plugins");
let pluginFiles = [];
try {
  pluginFiles = files(pluginsDir);
} catch {
  // no plugins yet
}
for (const file of pluginFiles) {
  for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const abs = spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : null;
    if (abs && abs.startsWith(src) && !abs.startsWith(path.join(src, "blocks", "sdk"))) {
      problems.push(`${path.relative(root, file)} imports ${spec}: plugins may import only src/blocks/sdk`);
    }
  }
}

if (problems.length) {
  console.error(`Layering violations (see DESIGN.md "Layout"):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("layers: ok");
