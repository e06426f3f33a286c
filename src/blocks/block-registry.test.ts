// The registry on definitions built in code: registration checks with their exact messages,
// look-ups, validation, checksums, and implementations built through tsyringe.
import "reflect-metadata";
import { createHash } from "node:crypto";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it, vi } from "vitest";
import { BlockRegistry, schemaChecksum } from "./block-registry.js";
import { canonicalJson } from "./canonical-json.js";
import {
  InvalidBlockConfigError,
  MissingBlockDependencyError,
  PluginLoadError,
  RegistryFrozenError,
  UndeclaredBlockDependencyError,
  UnknownBlockTypeError,
} from "./errors.js";
import {
  BLOCK_TYPE,
  BLOCKS,
  LOGGER,
  defineBlockType,
  definePlugin,
  defineStep,
  type BlockFactory,
  type BlockLogger,
  type BlockTypeInfo,
  type ReadPath,
} from "./sdk.js";

const schema = {
  type: "object",
  properties: { root: { type: "string" }, token: { type: "string" }, depth: { type: "integer", minimum: 0 } },
  required: ["root"],
  additionalProperties: false,
} as const;

class Reader implements ReadPath {
  constructor(
    readonly config: { root: string },
    readonly deps: { logger: BlockLogger; type: BlockTypeInfo },
  ) {}
  async readPath(p: string): Promise<Buffer> {
    return Buffer.from(`${this.config.root}/${p}`);
  }
}
class Runner {
  async run() {
    return { pid: 1, exitCode: 0 };
  }
  async kill() {}
}

const reader = defineBlockType({
  slug: "reader",
  name: "Reader",
  schema,
  secretFields: ["token"],
  capabilities: ["read-path"],
  inject: { logger: LOGGER, type: BLOCK_TYPE },
  implementation: Reader,
});
const runner = defineBlockType({
  slug: "runner",
  name: "Runner",
  schema: { type: "object" } as const,
  capabilities: ["run-infrastructure"],
  implementation: Runner,
});

/** A plugin from raw block types, bypassing defineBlockType's typing as a hand-written JS plugin would. */
function rawPlugin(name: string, ...blockTypes: Record<string, unknown>[]) {
  const full = blockTypes.map((b) => ({
    name: "X",
    schema: { type: "object" },
    capabilities: [],
    implementation: class {},
    secretFields: [],
    isProtected: false,
    inject: {},
    ...b,
  }));
  return definePlugin({ name, blockTypes: full as never });
}

function registered(...plugins: ReturnType<typeof definePlugin>[]): BlockRegistry {
  const registry = new BlockRegistry();
  for (const p of plugins) registry.register(p);
  return registry;
}

const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PluginLoadError);
    return (e as Error).message;
  }
  throw new Error("expected a PluginLoadError");
};

describe("registration", () => {
  it("registers, looks up, lists and filters by capability", () => {
    const registry = registered(definePlugin({ name: "p", version: "3.1.0", blockTypes: [reader, runner] }));
    expect(registry.list().map((t) => t.slug)).toEqual(["reader", "runner"]);
    expect(registry.get("reader")).toMatchObject({
      plugin: "p",
      version: "3.1.0",
      name: "Reader",
      description: null,
      isProtected: false,
      secretFields: ["token"],
    });
    expect(registry.byCapability("read-path").map((t) => t.slug)).toEqual(["reader"]);
    expect(registry.byCapability("put-directory")).toEqual([]);
    expect(registry.has("runner")).toBe(true);
    expect(() => registry.get("nope")).toThrow(new UnknownBlockTypeError("nope"));
  });

  it("refuses everything once frozen", () => {
    const registry = registered();
    registry.freeze();
    expect(() => registry.register(definePlugin({ name: "p", blockTypes: [reader] }))).toThrow(RegistryFrozenError);
    expect(registry.list()).toEqual([]);
  });

  it("rejects duplicate slugs across and within plugins, adding nothing of the failing plugin", () => {
    const registry = registered(definePlugin({ name: "first", blockTypes: [reader] }));
    expect(messageOf(() => registry.register(definePlugin({ name: "second", blockTypes: [runner, reader] })))).toBe(
      'Plugin "second" block type "reader": slug is already declared by plugin "first"',
    );
    expect(registry.has("runner")).toBe(false);
    expect(messageOf(() => registered(definePlugin({ name: "twice", blockTypes: [runner, runner] })))).toBe(
      'Plugin "twice" block type "runner": slug is already declared by plugin "twice"',
    );
    expect(messageOf(() => registry.register(definePlugin({ name: "first", blockTypes: [runner] })))).toBe(
      'Plugin "first": name is already registered (from direct)',
    );
  });

  it("accepts only what definePlugin returned", () => {
    expect(messageOf(() => registered({ name: "hand-made", blockTypes: [] } as never))).toBe(
      'Plugin "hand-made": export must be the result of definePlugin() from ordo/blocks-sdk',
    );
  });

  it.each([
    [
      "a slug with spaces",
      { slug: "Bad Slug" },
      'Plugin "p" block type "Bad Slug": slug must match pattern "^[a-z0-9-]+$"',
    ],
    ["an empty slug", { slug: "" }, 'Plugin "p" block type "#0": slug must match pattern "^[a-z0-9-]+$"'],
    [
      "an unknown capability",
      { slug: "a", capabilities: ["fly"] },
      'Plugin "p" block type "a": capabilities/0 must be equal to one of the allowed values',
    ],
    [
      "a misspelt key",
      { slug: "a", secretField: ["x"] },
      'Plugin "p" block type "a": secretField must NOT have additional properties',
    ],
    [
      "a malformed secret path",
      { slug: "a", secretFields: ["a..b"] },
      'Plugin "p" block type "a": secretFields/0 must match pattern',
    ],
    [
      "a documentation URL that is not a URL",
      { slug: "a", documentationUrl: "not a url" },
      'Plugin "p" block type "a": documentationUrl must match format "uri"',
    ],
    [
      "a non-object top level",
      { slug: "a", schema: { type: "array" } },
      'Plugin "p" block type "a": schema /type must be "object" (a block configuration is a JSON object)',
    ],
    [
      "a required that is not an array",
      { slug: "a", schema: { type: "object", required: "x" } },
      'Plugin "p" block type "a": schema /required must be array',
    ],
    [
      "a required name missing from properties",
      {
        slug: "a",
        schema: { type: "object", properties: { o: { type: "object", properties: { name: {} }, required: ["nmae"] } } },
      },
      'Plugin "p" block type "a": schema /properties/o/required/0 names "nmae", which is not in properties',
    ],
    [
      "a draft-07 schema",
      { slug: "a", schema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object" } },
      'Plugin "p" block type "a": schema /$schema must be https://json-schema.org/draft/2020-12/schema',
    ],
    [
      "an unresolvable $ref",
      { slug: "a", schema: { type: "object", properties: { r: { $ref: "#/$defs/missing" } } } },
      'Plugin "p" block type "a": schema does not compile: can\'t resolve reference #/$defs/missing',
    ],
    [
      "a secret path to no property",
      { slug: "a", schema, secretFields: ["tokn"] },
      'Plugin "p" block type "a": secretFields/0 "tokn" names no property of the schema',
    ],
    [
      "a secret path into a string",
      { slug: "a", schema, secretFields: ["root.inner"] },
      'Plugin "p" block type "a": secretFields/0 "root.inner" names no property of the schema',
    ],
    [
      "an implementation that is not a class",
      { slug: "a", implementation: () => undefined },
      'Plugin "p" block type "a": implementation must be a class',
    ],
    [
      "a missing capability method",
      { slug: "a", capabilities: ["read-path", "put-directory"], implementation: Reader },
      'Plugin "p" block type "a": implementation Reader has no method putDirectory() for capability "put-directory"',
    ],
    [
      "a half-implemented capability",
      {
        slug: "a",
        capabilities: ["run-infrastructure"],
        implementation: class Half {
          run() {}
        },
      },
      'Plugin "p" block type "a": implementation Half has no method kill() for capability "run-infrastructure"',
    ],
    [
      "an injection token that is not one",
      { slug: "a", inject: { logger: 42 } },
      'Plugin "p" block type "a": inject/logger must be an injection token (a symbol, string or class',
    ],
    [
      "a missing injection token (a misspelt import)",
      { slug: "a", inject: { logger: undefined } },
      'Plugin "p" block type "a": inject/logger must be an injection token',
    ],
    [
      "the list form of inject",
      { slug: "a", inject: [Symbol.for("ordo.blocks.Logger")] },
      'Plugin "p" block type "a": inject must name each dependency, e.g. { logger: LOGGER }',
    ],
    [
      "a secret marked on the whole configuration",
      { slug: "a", schema: { type: "object", writeOnly: true } },
      'Plugin "p" block type "a": schema / marks the whole configuration secret: mark its fields instead',
    ],
    [
      "a secret whose key a path cannot name",
      { slug: "a", schema: { type: "object", properties: { "a.b": { type: "string", format: "password" } } } },
      'Plugin "p" block type "a": schema /properties/a.b is secret, but a secret field\'s path cannot name the key "a.b"',
    ],
  ])("rejects %s", (_label, blockType, message) => {
    expect(messageOf(() => registered(rawPlugin("p", blockType)))).toContain(message);
  });

  it("accepts secret paths through wildcards, additionalProperties, items and local $refs", () => {
    const deep = {
      type: "object",
      properties: {
        headers: { type: "object", additionalProperties: { type: "string" } },
        creds: { $ref: "#/$defs/creds" },
        keys: { type: "array", items: { type: "object", properties: { secret: { type: "string" } } } },
        anything: { type: "object" },
      },
      $defs: { creds: { type: "object", properties: { password: { type: "string" } } } },
    };
    const registry = registered(
      rawPlugin("p", {
        slug: "deep",
        schema: deep,
        secretFields: ["headers.*", "creds.password", "keys.*.secret", "anything.x.y"],
      }),
    );
    expect(registry.get("deep").secretFields).toHaveLength(4);
  });

  it("inherits capability methods from a base class", () => {
    class Base {
      async readPath() {
        return Buffer.alloc(0);
      }
    }
    class Derived extends Base {}
    expect(() =>
      registered(rawPlugin("p", { slug: "derived", capabilities: ["read-path"], implementation: Derived })),
    ).not.toThrow();
  });
});

describe("validation and checksums", () => {
  const registry = registered(definePlugin({ name: "p", blockTypes: [reader] }));

  it("reports every failing field as a JSON pointer", () => {
    expect(registry.validate("reader", { root: "/srv", depth: 1 })).toEqual([]);
    expect(registry.validate("reader", { depth: -1, extra: true })).toEqual([
      { path: "/root", message: "must have required property 'root'" },
      { path: "/extra", message: "must NOT have additional properties" },
      { path: "/depth", message: "must be >= 0" },
    ]);
    expect(() => registry.validate("nope", {})).toThrow(UnknownBlockTypeError);
  });

  it("hashes the canonical JSON, whatever the key order", () => {
    const a = { type: "object", properties: { b: { type: "string", minLength: 1 }, a: { type: "integer" } } };
    const b = { properties: { a: { type: "integer" }, b: { minLength: 1, type: "string" } }, type: "object" };
    expect(canonicalJson(a)).toBe(
      '{"properties":{"a":{"type":"integer"},"b":{"minLength":1,"type":"string"}},"type":"object"}',
    );
    expect(schemaChecksum(a)).toBe(schemaChecksum(b));
    expect(schemaChecksum(a)).toBe(`sha256:${createHash("sha256").update(canonicalJson(b)).digest("hex")}`);
    expect(schemaChecksum({ ...a, required: ["a"] })).not.toBe(schemaChecksum(a));
    expect(registry.checksum("reader")).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(registry.checksum("reader")).toBe(
      schemaChecksum({ schema, secretFields: ["token"], capabilities: ["read-path"] }),
    );
  });
});

describe("createInstance", () => {
  const registry = registered(definePlugin({ name: "p", blockTypes: [reader] }));
  const logger: BlockLogger = { debug() {}, info() {}, warn() {}, error() {} };

  it("passes the configuration, then the injected tokens, resolved from a child container", async () => {
    const c = rootContainer.createChildContainer();
    c.registerInstance(LOGGER, logger);
    const block = registry.createInstance<Reader>("reader", { root: "/srv", token: "s3cr3t" }, c);
    expect(block).toBeInstanceOf(Reader);
    expect(block.deps.logger).toBe(logger);
    expect(block.deps.type).toEqual({ slug: "reader", plugin: "p" });
    expect(Object.keys(block.deps)).toEqual(["logger", "type"]);
    expect((await block.readPath("x")).toString()).toBe("/srv/x");
    // per-instance bindings stay in the child
    expect(c.isRegistered(BLOCK_TYPE, true)).toBe(false);
  });

  it("validates the configuration first, without quoting its values", () => {
    const c = rootContainer.createChildContainer();
    c.registerInstance(LOGGER, logger);
    const attempt = () => registry.createInstance("reader", { token: "s3cr3t-value" }, c);
    expect(attempt).toThrow(InvalidBlockConfigError);
    expect(attempt).toThrow(
      "invalid configuration for block type \"reader\": /root must have required property 'root'",
    );
    expect(attempt).not.toThrow(/s3cr3t-value/);
  });

  it("names the missing dependency", () => {
    expect(() => registry.createInstance("reader", { root: "/" }, rootContainer.createChildContainer())).toThrow(
      MissingBlockDependencyError,
    );
    expect(() => registry.createInstance("reader", { root: "/" }, rootContainer.createChildContainer())).toThrow(
      'Plugin "p" block type "reader": inject/logger Symbol(ordo.blocks.Logger) is not registered in the container',
    );
  });
});

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

describe("steps, work-pool types and the block factory", () => {
  const step = (name: string, extra: Record<string, unknown> = {}) =>
    defineStep({ name, kind: "pull", args: ["a"], run: async () => ({}), ...extra });
  const pool = {
    type: "runner-pool",
    blockType: "runner",
    baseJobTemplate: {
      job_configuration: { command: "{{ command }}" },
      variables: { type: "object", properties: { command: { type: "string" } } },
    },
  };

  it("finds plugin steps by name and alias, by kind, and maps a pool type to its block type", () => {
    const registry = registered(
      definePlugin({
        name: "p",
        blockTypes: [runner],
        steps: [step("pull_from_x", { aliases: ["pull_project_from_x"] }), step("push_to_x", { kind: "push" })],
        workPoolTypes: [pool],
      }),
    );
    expect(registry.step("pull_project_from_x")?.definition.name).toBe("pull_from_x");
    expect(registry.stepNames("pull").sort()).toEqual(["pull_from_x", "pull_project_from_x"]);
    expect(registry.steps("push").map((s) => s.definition.name)).toEqual(["push_to_x"]);
    expect(registry.infrastructureFor("runner-pool")?.slug).toBe("runner");
    expect(registry.infrastructureFor("runner")?.slug).toBe("runner");
    expect(registry.infrastructureFor("nomad")).toBeNull();
    expect(registry.workPoolType("runner-pool")?.plugin).toBe("p");
  });

  it("refuses a step that takes one of Ordo's names or another plugin's, and a pool type that is not its plugin's infrastructure", () => {
    expect(
      messageOf(() => registered(definePlugin({ name: "p", blockTypes: [runner], steps: [step("git_clone")] }))),
    ).toBe('Plugin "p": steps/git_clone "git_clone" is one of Ordo\'s own steps');
    const first = definePlugin({ name: "a", blockTypes: [reader], steps: [step("pull_from_x")] });
    const registry = registered(first);
    expect(
      messageOf(() =>
        registry.register(
          definePlugin({ name: "b", blockTypes: [runner], steps: [step("other", { aliases: ["pull_from_x"] })] }),
        ),
      ),
    ).toBe('Plugin "b": steps/other "pull_from_x" is already a step of plugin "a"');
    // nothing of the refused plugin stays
    expect(registry.has("runner")).toBe(false);
    expect(
      messageOf(() =>
        registered(
          definePlugin({ name: "p", blockTypes: [reader], workPoolTypes: [{ ...pool, blockType: "reader" }] }),
        ),
      ),
    ).toBe(
      'Plugin "p": workPoolTypes/runner-pool/blockType "reader" must be a block type of this plugin with the run-infrastructure capability',
    );
    expect(
      messageOf(() =>
        registered(definePlugin({ name: "p", blockTypes: [runner], workPoolTypes: [{ ...pool, type: "runner" }] })),
      ),
    ).toMatch(/workPoolTypes\/runner is also a block type's slug/);
    expect(
      messageOf(() => registered(definePlugin({ name: "p", blockTypes: [runner], steps: [step("Bad-Name")] }))),
    ).toMatch(/steps\/0\/name must match pattern/);
  });

  it("lets a block build other block types through BLOCKS, validating their configuration", () => {
    class Delegate {
      constructor(
        readonly config: { to: string },
        readonly deps: { blocks: BlockFactory },
      ) {}
      inner() {
        return this.deps.blocks.create<Reader>("reader", { root: this.config.to });
      }
    }
    const delegate = defineBlockType({
      slug: "delegate",
      name: "D",
      schema: { type: "object", properties: { to: { type: "string" } }, required: ["to"] } as const,
      capabilities: [],
      inject: { blocks: BLOCKS },
      implementation: Delegate,
    });
    const registry = registered(definePlugin({ name: "p", blockTypes: [reader, delegate] }));
    const container = rootContainer
      .createChildContainer()
      .register(LOGGER, { useValue: { debug() {}, info() {}, warn() {}, error() {} } });
    const built = registry.createInstance<Delegate>("delegate", { to: "/there" }, container);
    expect(built.inner().config.root).toBe("/there");
    expect(built.deps.blocks.has("reader")).toBe(true);
    expect(() => registry.createInstance<Delegate>("delegate", { to: 3 }, container)).toThrow(InvalidBlockConfigError);
    const bad = registry.createInstance<Delegate>("delegate", { to: "x" }, container);
    expect(() => (bad.deps.blocks.create as (s: string, c: unknown) => unknown)("reader", { nope: 1 })).toThrow(
      InvalidBlockConfigError,
    );
  });
});
