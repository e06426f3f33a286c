// The registry's steps and work-pool types from plugins, and the block factory that builds a
// block's implementation (with its dependencies) for steps and workers.
import "reflect-metadata";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { InvalidBlockConfigError } from "./errors.js";
import { BLOCKS, LOGGER, defineBlockType, definePlugin, defineStep, type BlockFactory } from "./sdk.js";
import { type Reader, messageOf, reader, registered, runner } from "./block-registry.fixtures.js";

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
