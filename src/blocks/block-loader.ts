// Finds block plugins — folders under plugins/, packages listed in configuration, installed
// packages whose package.json carries the marker — imports them and registers them, stopping
// the boot at the first problem with one PluginLoadError.
import { readFileSync, statSync } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUILTIN_PLUGIN_FOLDERS, BUILTIN_PLUGINS_DIR, builtinPluginEntry, PACKAGE_ROOT } from "../installation.js";
import { ensureTypeScriptLoader, isTypeScriptFile } from "../typescript-loader.js";
import { BlockRegistry, type PluginOrigin } from "./block-registry.js";
import { PluginLoadError } from "./errors.js";
import { checkPackageManifest, MANIFEST_FIELD } from "./manifest.js";
import { isPluginDefinition } from "./sdk.js";

/** The ordo package folder (a clone, or node_modules/ordo): plugins/ and the start of the node_modules look-up. */
export const REPO_ROOT = PACKAGE_ROOT;

export interface PluginDiscoveryOptions {
  /** folder whose sub-folders are built-in plugins; default <repo>/plugins, null for none */
  builtinDir?: string | null;
  /** package names (ORDO_PLUGINS) or folder paths (absolute, or relative to resolveFrom) */
  packages?: readonly string[];
  /** where listed names are resolved from, with Node's node_modules look-up; default the repo root */
  resolveFrom?: string;
  /**
   * node_modules folder scanned (one level, scopes included) for marked packages; default the
   * node_modules folders of Node's look-up from resolveFrom up to the project's, the first that
   * holds ordo (the ordo package's own, then its project's when ordo is installed there), null for none
   */
  nodeModulesDir?: string | null;
}

export interface DiscoveredPlugin {
  name: string;
  version: string | null;
  /** the package folder, symlinks resolved */
  directory: string;
  /** absolute path of the entry module */
  entry: string;
  origin: Exclude<PluginOrigin, "direct">;
}

/** "pkg-a, @scope/pkg-b" → ["pkg-a", "@scope/pkg-b"] */
export function parsePluginList(value: string | null | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export async function discoverPlugins(options: PluginDiscoveryOptions = {}): Promise<DiscoveredPlugin[]> {
  const resolveFrom = path.resolve(options.resolveFrom ?? REPO_ROOT);
  const builtinDir = options.builtinDir === undefined ? BUILTIN_PLUGINS_DIR : options.builtinDir;
  const nodeModulesDirs =
    options.nodeModulesDir === undefined
      ? lookupPaths(resolveFrom)
      : options.nodeModulesDir === null
        ? []
        : [options.nodeModulesDir];
  const found: DiscoveredPlugin[] = [];

  const add = async (dir: string, pkg: unknown, origin: DiscoveredPlugin["origin"], label: string) => {
    const directory = await realpath(dir);
    // The same package reached twice (listed and installed, or a workspace link) counts once.
    if (found.some((p) => p.directory === directory)) return;
    const manifest = checkPackageManifest(pkg, label);
    const clash = found.find((p) => p.name === manifest.name);
    if (clash)
      throw new PluginLoadError(
        manifest.name,
        null,
        "package.json /name",
        `is also the name of the plugin in ${clash.directory}`,
      );
    // the built-in plugins ship compiled in dist/plugins, beside their package.json in plugins/; in
    // a clone the catalog's packages (installed as workspaces) are compiled there too, which spares
    // every process Ordo starts the TypeScript loader
    const entry = directory.startsWith(BUILTIN_PLUGINS_DIR + path.sep)
      ? builtinPluginEntry(directory, manifest.entry)
      : path.resolve(directory, manifest.entry);
    if (path.relative(directory, path.resolve(directory, manifest.entry)).startsWith("..")) {
      throw new PluginLoadError(
        manifest.name,
        null,
        `package.json /${MANIFEST_FIELD}/plugin`,
        "must stay inside the package folder",
      );
    }
    if (!(await isFile(entry)))
      throw new PluginLoadError(
        manifest.name,
        null,
        `package.json /${MANIFEST_FIELD}/plugin`,
        `${manifest.entry} does not exist in ${directory}`,
      );
    found.push({ name: manifest.name, version: manifest.version, directory, entry, origin });
  };

  if (builtinDir) {
    const ours = path.resolve(builtinDir) === BUILTIN_PLUGINS_DIR;
    for (const dir of await subfolders(builtinDir)) {
      // the catalog's packages live beside the built-ins in a clone: they are installed plugins
      if (ours && !BUILTIN_PLUGIN_FOLDERS.includes(path.basename(dir))) continue;
      const pkg = await readPackageJson(dir);
      if (pkg === null) throw new PluginLoadError(path.basename(dir), null, "package.json", `not found in ${dir}`);
      await add(dir, pkg, "built-in", path.basename(dir));
    }
  }
  for (const name of options.packages ?? []) {
    const dir = resolvePackageDir(name, resolveFrom);
    const pkg = dir === null ? null : await readPackageJson(dir);
    if (pkg === null) throw new PluginLoadError(name, null, "package", `not found from ${resolveFrom}`);
    await add(dir!, pkg, "listed", name);
  }
  const installedNames = new Set<string>();
  for (const nodeModulesDir of nodeModulesDirs) {
    const dirs = await packageFolders(nodeModulesDir);
    // Hundreds of unrelated packages, read at every start: synchronously (a thread-pool hop per
    // small file costs more than the read), parsed only when the marker's key appears, and a broken
    // one that is not ours is not our problem.
    const pkgs = dirs.map((dir) => markedPackageJson(dir));
    for (const [i, dir] of dirs.entries()) {
      const pkg = pkgs[i];
      // Only packages that mark themselves are plugins.
      if (typeof pkg !== "object" || pkg === null || !(MANIFEST_FIELD in pkg)) continue;
      // as Node resolves: the nearest node_modules holding a name wins, farther copies are shadowed
      const name = path.relative(nodeModulesDir, dir);
      if (installedNames.has(name)) continue;
      installedNames.add(name);
      await add(dir, pkg, "installed", path.basename(dir));
    }
  }
  return found;
}

export interface LoadPluginsOptions extends PluginDiscoveryOptions {
  /** registry to fill; a new one by default */
  registry?: BlockRegistry;
  /** freeze when done (default true): nothing registers after boot */
  freeze?: boolean;
}

/** Discovers, imports and registers every plugin; the first problem throws PluginLoadError. */
export async function loadPlugins(options: LoadPluginsOptions = {}): Promise<BlockRegistry> {
  const registry = options.registry ?? new BlockRegistry();
  for (const plugin of await discoverPlugins(options)) {
    const definition = await importDefinition(plugin);
    // the name and version are package.json's; a name given to definePlugin() must agree (the registry checks)
    registry.register(definition, {
      origin: plugin.origin,
      directory: plugin.directory,
      name: plugin.name,
      version: plugin.version,
    });
  }
  if (options.freeze ?? true) registry.freeze();
  return registry;
}

async function importDefinition(plugin: DiscoveredPlugin) {
  let mod: Record<string, unknown>;
  try {
    if (isTypeScriptFile(plugin.entry)) await ensureTypeScriptLoader();
    mod = (await import(pathToFileURL(plugin.entry).href)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginLoadError(plugin.name, null, "entry", `${plugin.entry} failed to import: ${(e as Error).message}`);
  }
  const definition = mod.default ?? mod.plugin;
  if (!isPluginDefinition(definition)) {
    throw new PluginLoadError(
      plugin.name,
      null,
      "entry",
      "must export (default, or as `plugin`) the result of definePlugin() from ordo/blocks-sdk",
    );
  }
  return definition;
}

/** The node_modules folders Node searches from `from`, nearest first. */
function lookupPaths(from: string): string[] {
  const all = createRequire(path.join(from, "noop.js")).resolve.paths("any-package") ?? [];
  // up to the project Ordo is installed in (the first node_modules holding "ordo"), not beyond:
  // a marked package in some parent folder's node_modules is not this project's, and loading it
  // would run code nobody installed here
  const project = all.findIndex((dir) => isFileSync(path.join(dir, "ordo", "package.json")));
  return project === -1 ? all.slice(0, 1) : all.slice(0, project + 1);
}

/** Node's look-up: the first node_modules/<name> walking up from `from` (exports maps do not matter here). */
function resolvePackageDir(name: string, from: string): string | null {
  if (name.startsWith(".") || path.isAbsolute(name)) return path.resolve(from, name);
  const candidates = createRequire(path.join(from, "noop.js")).resolve.paths(name) ?? [];
  return (
    candidates.map((dir) => path.join(dir, name)).find((dir) => isFileSync(path.join(dir, "package.json"))) ?? null
  );
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith(".") && e.name !== "node_modules")
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** node_modules/<pkg> and node_modules/@scope/<pkg>, one level deep. */
async function packageFolders(nodeModulesDir: string): Promise<string[]> {
  let top: string[];
  try {
    top = await subfolders(nodeModulesDir);
  } catch {
    return [];
  }
  const nested = await Promise.all(top.map((dir) => (path.basename(dir).startsWith("@") ? subfolders(dir) : [dir])));
  return nested.flat();
}

async function readPackageJson(dir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.join(dir, "package.json"), "utf8");
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new PluginLoadError(path.basename(dir), null, "package.json", `is not valid JSON: ${(e as Error).message}`);
  }
}

/** package.json of an installed package when it may carry the plugin marker; null otherwise or when unreadable. */
function markedPackageJson(dir: string): unknown {
  try {
    const text = readFileSync(path.join(dir, "package.json"), "utf8");
    return text.includes(`"${MANIFEST_FIELD}"`) ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

function isFileSync(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
