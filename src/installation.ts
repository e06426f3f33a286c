// Where this Ordo installation lives and how it runs: the package folder (a clone, or
// node_modules/ordo in a user's project), whether this is the compiled JavaScript of dist/ or the
// TypeScript sources (tests, `npm run dev`), and the files other processes are started from.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(import.meta.url);

/** true in dist/ (`npm start`, the `ordo` command, an installed package); false under tsx or vitest */
export const RUNS_COMPILED = HERE.endsWith(".js");

function findPackageRoot(): string {
  // src/installation.ts → the package; dist/src/installation.js → dist/src, dist, the package
  for (let dir = path.dirname(HERE); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === "ordo") return dir;
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    if (path.dirname(dir) === dir) throw new Error(`the ordo package.json was not found above ${HERE}`);
  }
}

/** The folder holding Ordo's package.json, bin/, prisma/ and dist/. */
export const PACKAGE_ROOT = findPackageRoot();

/** The `ordo` command; other processes (jobs, served runs) are started through it. */
export const ORDO_BIN = path.join(PACKAGE_ROOT, "bin", "ordo.mjs");

/** Built-in block plugins: their package.json files stay in plugins/, compiled code is in dist/plugins/. */
export const BUILTIN_PLUGINS_DIR = path.join(PACKAGE_ROOT, "plugins");

/**
 * The folders of plugins/ that ship inside the ordo package. The others there (aws-s3, docker…)
 * are the block catalog: packages of their own, installed like any third-party plugin.
 */
export const BUILTIN_PLUGIN_FOLDERS: readonly string[] = ["local-file-system", "process"];

/** A built-in plugin's entry: `./index.ts` in the sources, dist/plugins/<folder>/index.js when compiled. */
export function builtinPluginEntry(pluginFolder: string, entry: string): string {
  if (!RUNS_COMPILED) return path.resolve(pluginFolder, entry);
  const compiled = path.resolve(PACKAGE_ROOT, "dist", path.relative(PACKAGE_ROOT, path.resolve(pluginFolder, entry)));
  return compiled.replace(/\.(c|m)?tsx?$/, (ext) => ext.replace("t", "j").replace("x", ""));
}

let version: string | undefined;

/** The package version (package.json), read once. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  return version;
}
