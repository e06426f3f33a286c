// The registry's rules on what block types declare: secret fields in the schema, plugin names, and
// dependencies between block types by name.
import "reflect-metadata";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it, vi } from "vitest";
import { BlockRegistry, schemaChecksum } from "./block-registry.js";
import { UndeclaredBlockDependencyError } from "./errors.js";
import { LOGGER, defineBlockType, definePlugin, type BlockLogger } from "./sdk.js";
import { messageOf, rawPlugin, reader, registered, runner } from "./block-registry.fixtures.js";

describe("secret fields declared in the schema", () => {
  const marked = {
    type: "object",
    properties: {
      user: { type: "string" },
      password: { type: "string", format: "password", writeOnly: true },
      creds: { type: "object", properties: { key: { type: "string", writeOnly: true }, region: { type: "string" } } },
      headers: { type: "object", additionalProperties: { type: "string", format: "password" } },
      legacy: { type: "string" },
    },
    additionalProperties: false,
  } as const;

  it("registers the marked fields, then the ones only the list names, and hashes that union", () => {
    const registry = registered(
      rawPlugin("p", { slug: "marked", schema: marked, secretFields: ["legacy", "password"] }),
    );
    const type = registry.get("marked");
    expect(type.secretFields).toEqual(["password", "creds.key", "headers.*", "legacy"]);
    expect(type.checksum).toBe(
      schemaChecksum({
        schema: marked,
        secretFields: ["password", "creds.key", "headers.*", "legacy"],
        capabilities: [],
      }),
    );
    // the definition keeps what the plugin wrote
    expect(type.definition.secretFields).toEqual(["legacy", "password"]);
  });

  it('compiles format "password" (any string) and writeOnly without a warning, and validates as before', () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const registry = registered(rawPlugin("p", { slug: "marked", schema: marked }));
      expect(registry.validate("marked", { password: "", headers: { a: "x y z" }, creds: { key: "k" } })).toEqual([]);
      expect(registry.validate("marked", { password: 42 })).toEqual([{ path: "/password", message: "must be string" }]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("defineBlockType types a config with secret fields like any other", () => {
    class Marked {
      constructor(readonly config: { user?: string; password?: string; headers?: Record<string, string> }) {}
    }
    const type = defineBlockType({
      slug: "marked",
      name: "M",
      schema: marked,
      capabilities: [],
      implementation: Marked,
    });
    expect(registered(definePlugin({ name: "p", blockTypes: [type] })).get("marked").secretFields).toEqual([
      "password",
      "creds.key",
      "headers.*",
    ]);
  });
});

describe("plugin names", () => {
  it("takes the name (and version) a package gives, for a definition without one", () => {
    const registry = new BlockRegistry();
    registry.register(definePlugin({ blockTypes: [reader] }), {
      name: "ordo-plugin-pkg",
      version: "4.5.6",
      origin: "listed",
      directory: "/pkg",
    });
    expect(registry.get("reader")).toMatchObject({ plugin: "ordo-plugin-pkg", version: "4.5.6" });
    expect(registry.plugins()).toEqual([
      { name: "ordo-plugin-pkg", version: "4.5.6", origin: "listed", directory: "/pkg" },
    ]);
  });

  it("accepts a name given in definePlugin() equal to the package's, and refuses one that differs, naming both", () => {
    const registry = new BlockRegistry();
    registry.register(definePlugin({ name: "same", blockTypes: [reader] }), { name: "same" });
    expect(registry.get("reader").plugin).toBe("same");
    expect(
      messageOf(() =>
        new BlockRegistry().register(definePlugin({ name: "other-name", blockTypes: [runner] }), { name: "pkg-name" }),
      ),
    ).toBe(
      'Plugin "pkg-name": name is "other-name" in definePlugin() but "pkg-name" in package.json (leave it out of definePlugin())',
    );
  });

  it("needs a name for a plugin registered in code, without a package", () => {
    expect(messageOf(() => registered(definePlugin({ blockTypes: [runner] })))).toBe(
      'Plugin "(unnamed plugin)": name is required for a plugin registered in code (a package\'s comes from its package.json)',
    );
  });
});

describe("dependencies by name", () => {
  const logger: BlockLogger = { debug() {}, info() {}, warn() {}, error() {} };
  const container = () => rootContainer.createChildContainer().register(LOGGER, { useValue: logger });

  it("a JavaScript class reading a name inject does not declare fails with a named error when built, not with undefined", () => {
    // what a plugin without types can write: the constructor reads `log`, inject names `logger`
    class Misspelt {
      readonly log: unknown;
      constructor(_config: unknown, deps: Record<string, unknown>) {
        this.log = deps.log;
      }
    }
    const registry = registered(
      rawPlugin("js-plugin", { slug: "misspelt", implementation: Misspelt, inject: { logger: LOGGER } }),
    );
    const attempt = () => registry.createInstance("misspelt", {}, container());
    expect(attempt).toThrow(UndeclaredBlockDependencyError);
    expect(attempt).toThrow(
      'Plugin "js-plugin" block type "misspelt": the implementation reads the dependency "log", which inject does not name (it names logger)',
    );
  });

  it("the dependencies object still spreads, serialises and answers generic probes", () => {
    let seen: Record<string, unknown> = {};
    class Probing {
      constructor(_config: unknown, deps: Record<string, unknown>) {
        seen = { ...deps };
        expect(String(deps)).toBe("[object Object]");
        expect((deps as { then?: unknown }).then).toBeUndefined();
        expect(JSON.stringify(deps)).toBe('{"logger":{}}');
        expect("logger" in deps).toBe(true);
      }
    }
    const registry = registered(
      rawPlugin("p", { slug: "probing", implementation: Probing, inject: { logger: LOGGER } }),
    );
    registry.createInstance("probing", {}, container());
    expect(seen).toEqual({ logger });
  });

  it("only guards the constructor: what inspects the dependencies later is not tripped", () => {
    class Keeping {
      constructor(
        _config: unknown,
        readonly deps: Record<string, unknown>,
      ) {}
    }
    const registry = registered(
      rawPlugin("p", { slug: "keeping", implementation: Keeping, inject: { logger: LOGGER } }),
    );
    const block = registry.createInstance<Keeping>("keeping", {}, container());
    expect(block.deps.other).toBeUndefined();
    expect(block.deps).toEqual({ logger });
  });
});
