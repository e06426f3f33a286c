// `ordo block register`: loads one plugin package the way the server does at boot (manifest,
// import, every block schema compiled, secret fields, capabilities, slugs checked against the
// other plugins the server would load, injected tokens bound) and compares its block types with
// those the server registered. The server's registry is frozen after boot, so registering means
// installing the package where the server runs (or listing it in ORDO_PLUGINS) and restarting it.
import { existsSync } from "node:fs";
import path from "node:path";
import { CliBlockTypesDocument } from "../client/generated/graphql.js";
import type { OrdoClient } from "../client/ordo-client.js";
import { blockHostContainer } from "../blocks/host-container.js";
import {
  discoverPlugins,
  loadPlugins,
  parsePluginList,
  PluginLoadError,
  registerBlockRegistry,
  REPO_ROOT,
  type BlockLogger,
  type DiscoveredPlugin,
  type RegisteredBlockType,
} from "../blocks/index.js";
import { CliError, describeError } from "./common/errors.js";

export type ServerStatus = "registered" | "schema differs" | "not registered" | "unknown";

export interface CheckedPlugin {
  plugin: string;
  version: string | null;
  directory: string;
  blockTypes: Array<{
    slug: string;
    name: string;
    description: string | null;
    capabilities: string[];
    /** the paths encrypted at rest and masked, as the server stores them */
    secretFields: string[];
    /** the BlockSchema checksum the server stores for this schema */
    checksum: string;
    /** what the running server has for this slug */
    server: ServerStatus;
  }>;
  /** why `server` is "unknown" */
  serverError?: string;
}

/** A folder path (./x, /x, or an existing folder) or a package name resolved like Node does. */
function isPath(spec: string): boolean {
  return spec.startsWith(".") || path.isAbsolute(spec) || existsSync(path.join(spec, "package.json"));
}

async function discover(spec: string): Promise<DiscoveredPlugin> {
  const one = async (pkg: string, resolveFrom: string) =>
    (await discoverPlugins({ builtinDir: null, nodeModulesDir: null, packages: [pkg], resolveFrom }))[0]!;
  // the loader takes only ./relative or absolute paths as folders
  if (isPath(spec)) {
    const dir = path.resolve(spec);
    if (!existsSync(path.join(dir, "package.json")))
      throw new CliError(`${dir} is not a package folder (no package.json)`);
    return one(dir, process.cwd());
  }
  // a name: the user's project first, then the server's own folder (where ORDO_PLUGINS resolves)
  const places = [...new Set([process.cwd(), REPO_ROOT])];
  for (const from of places) {
    try {
      return await one(spec, from);
    } catch (e) {
      if (!(e instanceof PluginLoadError && e.field === "package")) throw e;
    }
  }
  throw new CliError(
    `no package "${spec}" found from ${places.join(" or ")} (give the package's folder, or install it)`,
  );
}

const quiet: BlockLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Loads the package with every plugin the server's boot would load from this Ordo (built-ins,
 * ORDO_PLUGINS, marked packages installed along Node's look-up), so a slug one of them already
 * declares is reported, then binds the registry as the server does, so an injected token nobody
 * provides is too.
 */
async function loadAsTheServerWould(found: DiscoveredPlugin): Promise<RegisteredBlockType[]> {
  // the listed ones first, as the server lists them; the package where an installed one would come
  const registry = await loadPlugins({ packages: [...parsePluginList(process.env.ORDO_PLUGINS), found.directory] });
  registerBlockRegistry(blockHostContainer(quiet), registry);
  return registry.list().filter((t) => t.plugin === found.name);
}

export async function checkPlugin(spec: string, client: OrdoClient): Promise<CheckedPlugin> {
  let found: DiscoveredPlugin;
  let types;
  try {
    found = await discover(spec);
    types = await loadAsTheServerWould(found);
  } catch (e) {
    if (e instanceof PluginLoadError) throw new CliError(`the plugin does not load: ${e.message}`);
    throw e;
  }
  const checked: CheckedPlugin = {
    plugin: found.name,
    version: found.version,
    directory: found.directory,
    blockTypes: types.map((t) => ({
      slug: t.slug,
      name: t.name,
      description: t.description,
      capabilities: [...t.capabilities],
      secretFields: [...t.secretFields],
      checksum: t.checksum,
      server: "unknown" as ServerStatus,
    })),
  };
  try {
    const { blockTypes } = await client.request(CliBlockTypesDocument, {});
    const onServer = new Map(blockTypes.map((t) => [t.slug, t.latestSchema.checksum]));
    for (const t of checked.blockTypes) {
      const checksum = onServer.get(t.slug);
      t.server = checksum === undefined ? "not registered" : checksum === t.checksum ? "registered" : "schema differs";
    }
  } catch (e) {
    // the check of the package stands on its own; the comparison is a bonus
    checked.serverError = describeError(e, client.url);
  }
  return checked;
}
