// Putting the registry into a tsyringe container: capability look-up with resolveAll, freezing,
// and the boot-time check that every injected token is bound.
import "reflect-metadata";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { BLOCK_REGISTRY, blockTypesWithCapability, capabilityToken, registerBlockRegistry } from "./block-container.js";
import { BlockRegistry } from "./block-registry.js";
import { PluginLoadError } from "./errors.js";
import { BLOCK_CONFIG, LOGGER, defineBlockType, defineToken, definePlugin } from "./sdk.js";

class Storage {
  async readPath() {
    return Buffer.alloc(0);
  }
  async writePath() {}
}
class Runner {
  constructor(
    readonly config: unknown,
    readonly deps: { logger?: unknown; config?: unknown; own?: unknown },
  ) {}
  async run() {
    return { pid: 1, exitCode: 0 };
  }
  async kill() {}
}
const open = { type: "object" } as const;
const storage = defineBlockType({
  slug: "storage",
  name: "S",
  schema: open,
  capabilities: ["read-path", "write-path"],
  implementation: Storage,
});
const reader = defineBlockType({
  slug: "reader",
  name: "R",
  schema: open,
  capabilities: ["read-path"],
  implementation: Storage,
});
const runner = defineBlockType({
  slug: "runner",
  name: "X",
  schema: open,
  capabilities: ["run-infrastructure"],
  inject: { logger: LOGGER, config: BLOCK_CONFIG },
  implementation: Runner,
});

function registry(...blockTypes: Parameters<typeof definePlugin>[0]["blockTypes"]) {
  const r = new BlockRegistry();
  r.register(definePlugin({ name: "p", blockTypes }));
  return r;
}

describe("registerBlockRegistry", () => {
  it("registers the registry and each type under each of its capabilities", () => {
    const c = rootContainer.createChildContainer();
    c.registerInstance(LOGGER, console);
    const r = registry(storage, reader, runner);
    registerBlockRegistry(c, r);
    expect(c.resolve(BLOCK_REGISTRY)).toBe(r);
    expect(c.resolveAll(capabilityToken("read-path")).map((t) => t.slug)).toEqual(["storage", "reader"]);
    expect(c.resolveAll(capabilityToken("write-path")).map((t) => t.slug)).toEqual(["storage"]);
    expect(blockTypesWithCapability(c, "run-infrastructure").map((t) => t.slug)).toEqual(["runner"]);
    expect(blockTypesWithCapability(c, "put-directory")).toEqual([]);
    // visible from a child, as request-scoped containers would see it
    expect(c.createChildContainer().resolve(BLOCK_REGISTRY)).toBe(r);
  });

  it("freezes the registry", () => {
    const r = registry(storage);
    registerBlockRegistry(rootContainer.createChildContainer(), r);
    expect(r.frozen).toBe(true);
  });

  it("stops the boot when a plugin injects a token nobody registered", () => {
    const custom = defineToken<{ ping(): void }>("test.Custom");
    const needy = defineBlockType({
      slug: "needy",
      name: "N",
      schema: open,
      capabilities: [],
      inject: { logger: LOGGER, own: custom },
      implementation: Runner,
    });
    const c = rootContainer.createChildContainer();
    c.registerInstance(LOGGER, console);
    const attempt = () => registerBlockRegistry(c, registry(needy));
    expect(attempt).toThrow(PluginLoadError);
    expect(attempt).toThrow(
      'Plugin "p" block type "needy": inject/own Symbol(ordo.blocks.test.Custom) is not registered in the container',
    );
    expect(c.isRegistered(BLOCK_REGISTRY)).toBe(false);
  });

  it("refuses a second registry in the same container", () => {
    const c = rootContainer.createChildContainer();
    registerBlockRegistry(c, registry(storage));
    expect(() => registerBlockRegistry(c, registry(reader))).toThrow("this container already has a block registry");
  });
});
