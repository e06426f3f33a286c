// Storage blocks for the executor and the CLI: fetches a block document (secrets included, to build
// it) and copies a folder out of it (get-directory) or into it (put-directory) through the plugins.
import { container as rootContainer } from "tsyringe";
import { LOGGER, loadPlugins, type BlockLogger, type BlockRegistry, type GetDirectory, type PutDirectory } from "../../blocks/index.js";
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
    const block = await this.instance<GetDirectory>(ref, "get-directory", "get");
    await block.getDirectory(from, to);
  }

  /**
   * Copies the local folder `from` into the block's `to` folder (null: its root), skipping what
   * `ignoreFile` (gitignore syntax; default the block's own, .ordoignore) matches. The CLI's upload.
   */
  async putDirectory(ref: string, from: string, to: string | null, ignoreFile?: string): Promise<{ files: number }> {
    const block = await this.instance<PutDirectory>(ref, "put-directory", "put");
    return block.putDirectory(from, to, ignoreFile);
  }

  private async instance<T>(ref: string, capability: "get-directory" | "put-directory", verb: string): Promise<T> {
    const doc = await this.api.blockDocument(isSlug(ref) ? { slug: ref } : { id: ref });
    if (!doc) throw new Error(`no block document ${ref}`);
    const registry = await (this.registry ??= loadPlugins({ packages: this.plugins }));
    const slug = doc.blockType.slug;
    if (!registry.has(slug)) throw new Error(`block ${doc.slug}: no plugin here provides block type "${slug}"`);
    if (!registry.get(slug).capabilities.includes(capability)) throw new Error(`block ${doc.slug}: type "${slug}" cannot ${verb} directories (no ${capability} capability)`);
    // plugins may inject the host's logger; nothing else is registered for them here
    const container = rootContainer.createChildContainer().register(LOGGER, { useValue: this.logger });
    return registry.createInstance<T>(slug, doc.data, container);
  }
}

/** Ids are UUIDs; slugs are blockTypeSlug/name. */
function isSlug(ref: string): boolean {
  return ref.includes("/");
}
