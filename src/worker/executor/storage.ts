// Storage blocks for the executor: fetches a block document (secrets included, to build it) and
// copies a folder of it to the local disk through the block plugins' get-directory capability.
import { container as rootContainer } from "tsyringe";
import { LOGGER, loadPlugins, type BlockLogger, type BlockRegistry, type GetDirectory } from "../../blocks/index.js";
import type { ExecutorApi } from "./run-api.js";

export class StorageBlocks {
  private registry: Promise<BlockRegistry> | null = null;

  constructor(
    private readonly api: ExecutorApi,
    private readonly logger: BlockLogger,
    private readonly plugins: readonly string[] = [],
  ) {}

  /**
   * Copies the block's `from` folder (null: all of it) into `to`. `ref` is a document id or a
   * `blockTypeSlug/name` slug.
   */
  async getDirectory(ref: string, from: string | null, to: string): Promise<void> {
    const doc = await this.api.blockDocument(isSlug(ref) ? { slug: ref } : { id: ref });
    if (!doc) throw new Error(`no block document ${ref}`);
    const registry = await (this.registry ??= loadPlugins({ packages: this.plugins }));
    const slug = doc.blockType.slug;
    if (!registry.has(slug)) throw new Error(`block ${doc.slug}: no plugin here provides block type "${slug}"`);
    if (!registry.get(slug).capabilities.includes("get-directory")) throw new Error(`block ${doc.slug}: type "${slug}" cannot get directories (no get-directory capability)`);
    // plugins may inject the host's logger; nothing else is registered for them here
    const container = rootContainer.createChildContainer().register(LOGGER, { useValue: this.logger });
    const block = registry.createInstance<GetDirectory>(slug, doc.data, container);
    await block.getDirectory(from, to);
  }
}

/** Ids are UUIDs; slugs are blockTypeSlug/name. */
function isSlug(ref: string): boolean {
  return ref.includes("/");
}
