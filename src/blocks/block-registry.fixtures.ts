// Block definitions and helpers shared by the registry's test files: a reader type with a schema
// and a secret field, a runner type, raw plugins as a hand-written JS plugin would build them.
import "reflect-metadata";
import { expect } from "vitest";
import { BlockRegistry } from "./block-registry.js";
import { PluginLoadError } from "./errors.js";
import {
  BLOCK_TYPE,
  LOGGER,
  defineBlockType,
  definePlugin,
  type BlockLogger,
  type BlockTypeInfo,
  type ReadPath,
} from "./sdk.js";

export const schema = {
  type: "object",
  properties: { root: { type: "string" }, token: { type: "string" }, depth: { type: "integer", minimum: 0 } },
  required: ["root"],
  additionalProperties: false,
} as const;

export class Reader implements ReadPath {
  constructor(
    readonly config: { root: string },
    readonly deps: { logger: BlockLogger; type: BlockTypeInfo },
  ) {}
  async readPath(p: string): Promise<Buffer> {
    return Buffer.from(`${this.config.root}/${p}`);
  }
}
export class Runner {
  async run() {
    return { pid: 1, exitCode: 0 };
  }
  async kill() {}
}

export const reader = defineBlockType({
  slug: "reader",
  name: "Reader",
  schema,
  secretFields: ["token"],
  capabilities: ["read-path"],
  inject: { logger: LOGGER, type: BLOCK_TYPE },
  implementation: Reader,
});
export const runner = defineBlockType({
  slug: "runner",
  name: "Runner",
  schema: { type: "object" } as const,
  capabilities: ["run-infrastructure"],
  implementation: Runner,
});

/** A plugin from raw block types, bypassing defineBlockType's typing as a hand-written JS plugin would. */
export function rawPlugin(name: string, ...blockTypes: Record<string, unknown>[]) {
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

export function registered(...plugins: ReturnType<typeof definePlugin>[]): BlockRegistry {
  const registry = new BlockRegistry();
  for (const p of plugins) registry.register(p);
  return registry;
}

export const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PluginLoadError);
    return (e as Error).message;
  }
  throw new Error("expected a PluginLoadError");
};
