// The loader against real package folders: built-ins, a listed package, a marked installed one,
// and every broken shape stopping the load with one message naming plugin, block type and field.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverPlugins, loadPlugins, parsePluginList, REPO_ROOT } from "./block-loader.js";
import { PluginLoadError, RegistryFrozenError } from "./errors.js";
import { definePlugin } from "./sdk.js";

const FIXTURES = path.join(REPO_ROOT, "test/fixtures/plugins");
const SDK_URL = pathToFileURL(path.join(REPO_ROOT, "src/blocks/sdk.ts")).href;
let app: string;

/** A package folder in the temp app; its entry imports the SDK by URL since /tmp has no node_modules/ordo. */
async function writePackage(dir: string, pkg: object, entry?: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "package.json"), JSON.stringify(pkg));
  if (entry !== undefined) await writeFile(path.join(dir, "index.js"), entry.replace("$SDK", SDK_URL));
  return dir;
}

beforeAll(async () => {
  app = await mkdtemp(path.join(os.tmpdir(), "ordo-loader-"));
  const nm = path.join(app, "node_modules");
  await mkdir(path.join(nm, "@acme"), { recursive: true });
  // Installed the way npm links local packages: symlinks to the fixture folders.
  await symlink(path.join(FIXTURES, "ordo-plugin-hello"), path.join(nm, "ordo-plugin-hello"));
  await symlink(path.join(FIXTURES, "acme-ordo-plugin-marked"), path.join(nm, "@acme/ordo-plugin-marked"));
  await writePackage(path.join(nm, "left-pad"), { name: "left-pad", version: "1.0.0" });
  await mkdir(path.join(nm, "broken-json"));
  await writeFile(path.join(nm, "broken-json/package.json"), "{ not json");
});

afterAll(async () => {
  await rm(app, { recursive: true, force: true });
});

describe("discovery and loading", () => {
  it("loads the built-in plugins from plugins/ by default", async () => {
    const registry = await loadPlugins({ nodeModulesDir: null });
    expect(registry.list().map((t) => t.slug)).toEqual(["local-file-system", "process"]);
    expect(registry.plugins()).toEqual([
      {
        name: "@ordo/plugin-local-file-system",
        version: "0.1.0",
        origin: "built-in",
        directory: path.join(REPO_ROOT, "plugins/local-file-system"),
      },
      {
        name: "@ordo/plugin-process",
        version: "0.1.0",
        origin: "built-in",
        directory: path.join(REPO_ROOT, "plugins/process"),
      },
    ]);
    expect(registry.get("local-file-system").isProtected).toBe(true);
    expect(registry.frozen).toBe(true);
  });

  it("adds a listed package and a marked installed one, each once, and skips unmarked packages", async () => {
    const registry = await loadPlugins({ packages: parsePluginList(" ordo-plugin-hello ,"), resolveFrom: app });
    expect(registry.list().map((t) => [t.slug, t.plugin, t.version])).toEqual([
      ["local-file-system", "@ordo/plugin-local-file-system", "0.1.0"],
      ["process", "@ordo/plugin-process", "0.1.0"],
      ["hello-greeting", "ordo-plugin-hello", "1.2.3"],
      ["acme-webhook", "@acme/ordo-plugin-marked", "2.0.0"],
    ]);
    expect(registry.plugins().map((p) => [p.name, p.origin])).toEqual([
      ["@ordo/plugin-local-file-system", "built-in"],
      ["@ordo/plugin-process", "built-in"],
      ["ordo-plugin-hello", "listed"],
      ["@acme/ordo-plugin-marked", "installed"],
    ]);
    expect(registry.get("hello-greeting").secretFields).toEqual(["apiToken", "headers.*"]);
  });

  it("finds marked packages without importing anything", async () => {
    const found = await discoverPlugins({ builtinDir: null, resolveFrom: app });
    expect(found.map((p) => [p.name, p.origin, path.relative(FIXTURES, p.entry)])).toEqual([
      ["@acme/ordo-plugin-marked", "installed", "acme-ordo-plugin-marked/index.ts"],
      ["ordo-plugin-hello", "installed", "ordo-plugin-hello/index.ts"],
    ]);
  });

  it("looks for marked packages up to the project Ordo is installed in, never in a parent folder's node_modules", async () => {
    // <app>/outer/node_modules/evil (marked) ⊃ <app>/outer/project/node_modules/{ordo, good (marked)}
    const outer = path.join(app, "outer");
    const marked = (name: string) => ({ name, version: "1.0.0", ordo: { plugin: "./index.js" } });
    await writePackage(path.join(outer, "node_modules/evil-plugin"), marked("evil-plugin"), "export default null;");
    const projectModules = path.join(outer, "project/node_modules");
    await writePackage(path.join(projectModules, "ordo"), { name: "ordo", version: "0.1.0" });
    await writePackage(path.join(projectModules, "good-plugin"), marked("good-plugin"), "export default null;");
    const found = await discoverPlugins({ builtinDir: null, resolveFrom: path.join(projectModules, "ordo") });
    expect(found.map((p) => p.name)).toEqual(["good-plugin"]);
  });

  it("freezes the registry after boot", async () => {
    const registry = await loadPlugins({ nodeModulesDir: null });
    expect(() => registry.register(definePlugin({ name: "late", blockTypes: [] }))).toThrow(RegistryFrozenError);
  });

  it("parses ORDO_PLUGINS-style lists", () => {
    expect(parsePluginList("pkg-a,@scope/pkg-b, ,pkg-c ")).toEqual(["pkg-a", "@scope/pkg-b", "pkg-c"]);
    expect(parsePluginList(undefined)).toEqual([]);
  });
});

describe("a broken plugin stops the load with one message", () => {
  const load = (packages: string[]) => loadPlugins({ packages, resolveFrom: app, nodeModulesDir: null });

  it("names plugin, block type and schema field for a schema that does not compile", async () => {
    const error = await load([path.join(FIXTURES, "ordo-plugin-broken-schema")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect(error).toMatchObject({
      plugin: "ordo-plugin-broken-schema",
      blockType: "broken-thing",
      field: "schema /properties/x/type",
    });
    await expect(load([path.join(FIXTURES, "ordo-plugin-broken-schema")])).rejects.toThrow(
      'Plugin "ordo-plugin-broken-schema" block type "broken-thing": schema /properties/x/type must be equal to one of the allowed values',
    );
  });

  it("rejects a slug another plugin already declared", async () => {
    await expect(load([path.join(FIXTURES, "ordo-plugin-duplicate")])).rejects.toThrow(
      'Plugin "ordo-plugin-duplicate" block type "local-file-system": slug is already declared by plugin "@ordo/plugin-local-file-system"',
    );
  });

  it("reports a listed package that cannot be found", async () => {
    await expect(load(["ordo-plugin-nowhere"])).rejects.toThrow(
      `Plugin "ordo-plugin-nowhere": package not found from ${app}`,
    );
  });

  it("checks the package.json marker against the manifest schema", async () => {
    const dir = await writePackage(path.join(app, "bad-marker"), { name: "bad-marker", ordo: { plugin: "index.js" } });
    await expect(load([dir])).rejects.toThrow(
      'Plugin "bad-marker": package.json /ordo/plugin must match pattern "^\\./.+"',
    );
    const unmarked = await writePackage(path.join(app, "unmarked"), { name: "unmarked" });
    await expect(load([unmarked])).rejects.toThrow(
      "Plugin \"unmarked\": package.json /ordo must have required property 'ordo'",
    );
  });

  it("rejects an entry that escapes the package or does not exist", async () => {
    const escaping = await writePackage(path.join(app, "escaping"), {
      name: "escaping",
      ordo: { plugin: "./../left-pad/index.js" },
    });
    await expect(load([escaping])).rejects.toThrow(
      'Plugin "escaping": package.json /ordo/plugin must stay inside the package folder',
    );
    const missing = await writePackage(path.join(app, "missing-entry"), {
      name: "missing-entry",
      ordo: { plugin: "./dist/index.js" },
    });
    await expect(load([missing])).rejects.toThrow(
      'Plugin "missing-entry": package.json /ordo/plugin ./dist/index.js does not exist',
    );
  });

  it("requires the entry to export a definePlugin() result named like the package", async () => {
    const plain = await writePackage(
      path.join(app, "plain-export"),
      { name: "plain-export", ordo: { plugin: "./index.js" } },
      "export default { name: 'plain-export', blockTypes: [] };",
    );
    await expect(load([plain])).rejects.toThrow(
      'Plugin "plain-export": entry must export (default, or as `plugin`) the result of definePlugin()',
    );
    const renamed = await writePackage(
      path.join(app, "renamed"),
      { name: "renamed", ordo: { plugin: "./index.js" } },
      "import { definePlugin } from '$SDK'; export const plugin = definePlugin({ name: 'other-name', blockTypes: [] });",
    );
    await expect(load([renamed])).rejects.toThrow(
      'Plugin "renamed": name is "other-name" in definePlugin() but "renamed" in package.json (leave it out of definePlugin())',
    );
  });

  it("takes the plugin's name and version from package.json", async () => {
    const unnamed = await writePackage(
      path.join(app, "ordo-plugin-unnamed"),
      { name: "ordo-plugin-unnamed", version: "3.2.1", ordo: { plugin: "./index.js" } },
      "import { defineBlockType, definePlugin } from '$SDK'; class Thing {} export default definePlugin({ blockTypes: [defineBlockType({ slug: 'unnamed-thing', name: 'T', schema: { type: 'object' }, capabilities: [], implementation: Thing })] });",
    );
    const registry = await load([unnamed]);
    expect(registry.get("unnamed-thing")).toMatchObject({ plugin: "ordo-plugin-unnamed", version: "3.2.1" });
    expect(registry.plugins().at(-1)).toMatchObject({
      name: "ordo-plugin-unnamed",
      version: "3.2.1",
      origin: "listed",
    });
  });

  it("stops a JavaScript plugin that still lists its dependencies, naming the field", async () => {
    const listed = await writePackage(
      path.join(app, "ordo-plugin-listed-inject"),
      { name: "ordo-plugin-listed-inject", ordo: { plugin: "./index.js" } },
      "import { LOGGER, defineBlockType, definePlugin } from '$SDK'; class Thing { constructor(config, logger) {} } export default definePlugin({ blockTypes: [defineBlockType({ slug: 'listed-thing', name: 'T', schema: { type: 'object' }, capabilities: [], inject: [LOGGER], implementation: Thing })] });",
    );
    await expect(load([listed])).rejects.toThrow(
      'Plugin "ordo-plugin-listed-inject" block type "listed-thing": inject must name each dependency, e.g. { logger: LOGGER }',
    );
  });

  it("reports an entry that fails to import", async () => {
    const throwing = await writePackage(
      path.join(app, "throwing"),
      { name: "throwing", ordo: { plugin: "./index.js" } },
      "throw new Error('boom at import');",
    );
    await expect(load([throwing])).rejects.toThrow(
      /^Plugin "throwing": entry .*index\.js failed to import: boom at import$/,
    );
  });

  it("requires a package.json in every built-in folder", async () => {
    const builtins = path.join(app, "builtins");
    await mkdir(path.join(builtins, "half-made"), { recursive: true });
    await expect(loadPlugins({ builtinDir: builtins, nodeModulesDir: null })).rejects.toThrow(
      `Plugin "half-made": package.json not found in ${path.join(builtins, "half-made")}`,
    );
  });
});
