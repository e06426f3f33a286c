// The SDK's runtime helpers, and its types: `tsc --noEmit` checks the expectTypeOf lines and the
// expected type errors below, so a regression in the inference fails the type-check.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BLOCK_CONFIG,
  BLOCK_TYPE,
  CAPABILITIES,
  CAPABILITY_METHODS,
  LOGGER,
  defineBlockType,
  definePlugin,
  defineToken,
  isPluginDefinition,
  type BlockLogger,
  type BlockTypeInfo,
  type ConfigOf,
  type ConfigOfBlockType,
  type DepsOf,
  type ImplementationOfBlockType,
  type ReadPath,
  type RunInfrastructure,
} from "./sdk.js";

const schema = {
  type: "object",
  properties: {
    url: { type: "string" },
    retries: { type: "integer" },
    ratio: { type: "number" },
    verbose: { type: "boolean", default: false },
    mode: { enum: ["fast", "safe"] },
    tags: { type: "array", items: { type: "string" } },
    env: { type: "object", additionalProperties: { type: "string" } },
    nested: {
      type: "object",
      properties: { depth: { type: "integer" } },
      required: ["depth"],
      additionalProperties: false,
    },
  },
  required: ["url", "mode"],
  additionalProperties: false,
} as const;

type Config = ConfigOf<typeof schema>;

class Reader implements ReadPath {
  constructor(
    readonly config: Config,
    readonly deps: { logger: BlockLogger },
  ) {}
  async readPath(): Promise<Buffer> {
    return Buffer.from(this.config.url);
  }
}

describe("types", () => {
  it("infers the configuration type from the schema", () => {
    expectTypeOf<Config>().toEqualTypeOf<{
      url: string;
      mode: "fast" | "safe";
      retries?: number;
      ratio?: number;
      verbose?: boolean; // has a default, which validation does not fill in: stays optional
      tags?: string[];
      env?: { [key: string]: string };
      nested?: { depth: number };
    }>();
    const type = defineBlockType({
      slug: "r",
      name: "R",
      schema,
      capabilities: ["read-path"],
      inject: { logger: LOGGER },
      implementation: Reader,
    });
    expectTypeOf<ConfigOfBlockType<typeof type>>().toEqualTypeOf<Config>();
    expectTypeOf<ImplementationOfBlockType<typeof type>>().toEqualTypeOf<ReadPath>();
  });

  it("checks the class against the schema, the capabilities and the injected tokens", () => {
    class NeedsMore {
      constructor(readonly config: { url: string; other: number }) {}
    }
    class RunsOnly {
      constructor(
        readonly config: Config,
        readonly deps: { type: BlockTypeInfo },
      ) {}
      async run() {
        return { pid: 1, exitCode: 0 };
      }
      async kill() {}
    }
    // @ts-expect-error the class needs `other`, which the schema does not provide
    defineBlockType({ slug: "a", name: "A", schema, capabilities: [], implementation: NeedsMore });
    defineBlockType({
      slug: "b",
      name: "B",
      schema,
      capabilities: ["read-path"],
      inject: { type: BLOCK_TYPE },
      // @ts-expect-error read-path needs readPath()
      implementation: RunsOnly,
    });
    // @ts-expect-error "fly" is no capability
    defineBlockType({ slug: "d", name: "D", schema, capabilities: ["fly"], implementation: RunsOnly });
    const ok = defineBlockType({
      slug: "e",
      name: "E",
      schema,
      capabilities: ["run-infrastructure"],
      inject: { type: BLOCK_TYPE },
      implementation: RunsOnly,
    });
    expectTypeOf(ok.implementation).instance.toMatchTypeOf<RunInfrastructure>();
  });

  it("checks the dependencies by name", () => {
    class Both implements ReadPath {
      constructor(
        readonly config: Config,
        readonly deps: { logger: BlockLogger; type: BlockTypeInfo },
      ) {}
      async readPath(): Promise<Buffer> {
        return Buffer.from(this.deps.type.slug);
      }
    }
    const base = { slug: "n", name: "N", schema, capabilities: ["read-path"] } as const;
    defineBlockType({ ...base, inject: { logger: LOGGER, type: BLOCK_TYPE }, implementation: Both });
    // the order of the names does not matter
    defineBlockType({ ...base, inject: { type: BLOCK_TYPE, logger: LOGGER }, implementation: Both });
    // a name the class does not read is harmless
    defineBlockType({
      ...base,
      inject: { logger: LOGGER, type: BLOCK_TYPE, config: BLOCK_CONFIG },
      implementation: Both,
    });
    // @ts-expect-error `type` is missing from inject
    defineBlockType({ ...base, inject: { logger: LOGGER }, implementation: Both });
    // @ts-expect-error nothing injected, but the class reads `logger` and `type`
    defineBlockType({ ...base, implementation: Both });
    // @ts-expect-error a misspelt name: the class reads `logger`, inject names `log`
    defineBlockType({ ...base, inject: { log: LOGGER, type: BLOCK_TYPE }, implementation: Both });
    // @ts-expect-error `logger` is given the BLOCK_TYPE token: a BlockTypeInfo is no logger
    defineBlockType({ ...base, inject: { logger: BLOCK_TYPE, type: BLOCK_TYPE }, implementation: Both });
    // @ts-expect-error the list form (in constructor order) is gone
    defineBlockType({ ...base, inject: [LOGGER, BLOCK_TYPE], implementation: Both });
    expectTypeOf<DepsOf<{ logger: typeof LOGGER; type: typeof BLOCK_TYPE }>>().toEqualTypeOf<{
      logger: BlockLogger;
      type: BlockTypeInfo;
    }>();
  });

  it("takes the plugin's name from package.json, or one given", () => {
    definePlugin({ blockTypes: [] });
    definePlugin({ name: "ordo-plugin-x", blockTypes: [] });
    // @ts-expect-error blockTypes are required
    definePlugin({ name: "ordo-plugin-x" });
  });
});

describe("runtime", () => {
  it("fills defaults and brands plugins", () => {
    const type = defineBlockType({
      slug: "r",
      name: "R",
      schema,
      capabilities: ["read-path"],
      inject: { logger: LOGGER },
      implementation: Reader,
    });
    expect(type).toMatchObject({ slug: "r", secretFields: [], isProtected: false, inject: { logger: LOGGER } });
    expect(
      defineBlockType({ slug: "s", name: "S", schema, capabilities: [], implementation: class {} }).inject,
    ).toEqual({});
    const plugin = definePlugin({ name: "p", blockTypes: [type] });
    expect(isPluginDefinition(plugin)).toBe(true);
    expect(isPluginDefinition({ name: "p", blockTypes: [type] })).toBe(false);
    expect(isPluginDefinition(null)).toBe(false);
    expect(Object.isFrozen(plugin)).toBe(true);
  });

  it("makes tokens that survive a second copy of the SDK", () => {
    expect(defineToken("Logger")).toBe(LOGGER);
    expect(LOGGER).toBe(Symbol.for("ordo.blocks.Logger"));
  });

  it("names a method for every capability", () => {
    expect(Object.keys(CAPABILITY_METHODS).sort()).toEqual([...CAPABILITIES].sort());
    expect(CAPABILITY_METHODS["run-infrastructure"]).toEqual(["run", "kill"]);
  });
});
