// Puts a frozen block registry into a tsyringe container: the registry under BLOCK_REGISTRY and
// every block type under the token of each of its capabilities, for `resolveAll`.
import type { DependencyContainer, InjectionToken } from "tsyringe";
import type { BlockRegistry, RegisteredBlockType } from "./block-registry.js";
import { PluginLoadError } from "./errors.js";
import { BLOCK_CONFIG, BLOCK_TYPE, BLOCKS, type Capability } from "./sdk.js";

export const BLOCK_REGISTRY: InjectionToken<BlockRegistry> = Symbol.for("ordo.blocks.Registry");

/**
 * The token under which the block *types* (not instances: those need a document's configuration,
 * see BlockRegistry.createInstance) with a capability are registered.
 */
export function capabilityToken(capability: Capability): InjectionToken<RegisteredBlockType> {
  return Symbol.for(`ordo.blocks.capability.${capability}`);
}

/**
 * Freezes the registry and registers it. Call it after the container holds everything plugins
 * inject (LOGGER…): a token no one registered stops the boot here, naming the plugin and type,
 * instead of failing the first time a worker builds that block.
 */
export function registerBlockRegistry(container: DependencyContainer, registry: BlockRegistry): void {
  registry.freeze();
  if (container.isRegistered(BLOCK_REGISTRY, false)) throw new Error("this container already has a block registry");
  for (const type of registry.list()) {
    for (const [name, token] of Object.entries(type.definition.inject)) {
      // these are bound per instance by createInstance
      if (token === BLOCK_CONFIG || token === BLOCK_TYPE || token === BLOCKS) continue;
      if (!container.isRegistered(token, true)) {
        throw new PluginLoadError(
          type.plugin,
          type.slug,
          `inject/${name}`,
          `${String(token)} is not registered in the container`,
        );
      }
    }
  }
  container.registerInstance(BLOCK_REGISTRY, registry);
  for (const type of registry.list()) {
    for (const capability of type.capabilities) container.register(capabilityToken(capability), { useValue: type });
  }
}

/** `resolveAll` for a capability, which is [] (tsyringe would throw) when no type has it. */
export function blockTypesWithCapability(
  container: DependencyContainer,
  capability: Capability,
): RegisteredBlockType[] {
  const token = capabilityToken(capability);
  return container.isRegistered(token, true) ? container.resolveAll(token) : [];
}
