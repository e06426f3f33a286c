// The SDK's runtime helpers, and its types: `tsc --noEmit` checks the expectTypeOf lines and the
// expected type errors below, so a regression in the inference fails the type-check.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
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
    nested: { type: "object", properties: { depth: { type: "integer" } }, required: ["depth"], additionalProperties: false },
  },
  required: ["url", "mode"],
  additionalProperties: false,
} as const;

type Config = ConfigOf<typeof schema>;

class Reader implements ReadPath {
  constructor(readonly config: Config, readonly logger: BlockLogger) {}
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
    const type = defineBlockType({ slug: "r", name: "R", schema, capabilities: ["read-path"], inject: [LOGGER], implementation: Reader });
    expectTypeOf<ConfigOfBlockType<typeof type>>().toEqualTypeOf<Config>();
    expectTypeOf<ImplementationOfBlockType<typeof type>>().toEqualTypeOf<ReadPath>();
  });

  it("checks the class against the schema, the capabilities and the injected tokens", () => {
    class NeedsMore {
      constructor(readonly config: { url: string; other: number }) {}
    }
    class RunsOnly {
      constructor(readonly config: Config, readonly info: BlockTypeInfo) {}
      async run() {
        return { pid: 1, exitCode: 0 };
      }
      async kill() {}
    }
    // @ts-expect-error the class needs `other`, which the schema does not provide
    defineBlockType({ slug: "a", name: "A", schema, capabilities: [], implementation: NeedsMore });
    // @ts-expect-error read-path needs readPath()
    defineBlockType({ slug: "b", name: "B", schema, capabilities: ["read-path"], inject: [BLOCK_TYPE], implementation: RunsOnly });
    // @ts-expect-error the second constructor argument is a BlockTypeInfo, not a logger
    defineBlockType({ slug: "c", name: "C", schema, capabilities: ["run-infrastructure"], inject: [LOGGER], implementation: RunsOnly });
    // @ts-expect-error "fly" is no capability
    defineBlockType({ slug: "d", name: "D", schema, capabilities: ["fly"], implementation: RunsOnly });
    const ok = defineBlockType({ slug: "e", name: "E", schema, capabilities: ["run-infrastructure"], inject: [BLOCK_TYPE], implementation: RunsOnly });
    expectTypeOf(ok.implementation).instance.toMatchTypeOf<RunInfrastructure>();
  });
});

describe("runtime", () => {
  it("fills defaults and brands plugins", () => {
    const type = defineBlockType({ slug: "r", name: "R", schema, capabilities: ["read-path"], inject: [LOGGER], implementation: Reader });
    expect(type).toMatchObject({ slug: "r", secretFields: [], isProtected: false, inject: [LOGGER] });
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
