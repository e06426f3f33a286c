// Storage blocks for the executor and the CLI: fetches a block document (secrets included, to build
// it) and copies a folder out of it (get-directory) or into it (put-directory) through the plugins;
// builds blocks from a configuration for the plugins' steps (pull_from_s3…).
import type { DependencyContainer } from "tsyringe";
import { blockHostContainer } from "../../blocks/host-container.js";
import {
  loadPlugins,
  type BlockLogger,
  type BlockRegistry,
  type GetDirectory,
  type PutDirectory,
} from "../../blocks/index.js";
import type { ExecutorApi } from "./run-api.js";

export class StorageBlocks {
  private registry: Promise<BlockRegistry> | null = null;

  constructor(
    private readonly api: ExecutorApi,
    private readonly logger: BlockLogger,
    private readonly pluginPackages: readonly string[] = [],
  ) {}

  /**
   * Copies the block's `from` folder (null: all of it) into `to`. `ref` is a document id or a
   * `blockTypeSlug/name` slug.
   */
  async getDirectory(ref: string, from: string | null, to: string): Promise<void> {
    const { block, slug } = await this.instance<GetDirectory>(ref, "get-directory", "get");
    await block.getDirectory(from, to).catch((e: unknown) => {
      throw named(slug, e);
    });
  }

  /**
   * Copies the local folder `from` into the block's `to` folder (null: its root), skipping what
   * `ignoreFile` (gitignore syntax; default the block's own, .ordoignore) matches. The CLI's upload.
   */
  async putDirectory(ref: string, from: string, to: string | null, ignoreFile?: string): Promise<{ files: number }> {
    const { block, slug } = await this.instance<PutDirectory>(ref, "put-directory", "put");
    return block.putDirectory(from, to, ignoreFile).catch((e: unknown) => {
      throw named(slug, e);
    });
  }

  /** The plugins of this process, loaded on first use. */
  plugins(): Promise<BlockRegistry> {
    return (this.registry ??= loadPlugins({ packages: this.pluginPackages }));
  }

  /** A block built from a configuration rather than a stored document (a step's arguments). */
  async createBlock<T>(slug: string, config: Record<string, unknown>): Promise<T> {
    const registry = await this.plugins();
    if (!registry.has(slug)) throw new Error(`no plugin here provides block type "${slug}"`);
    return registry.createInstance<T>(slug, config, this.blockContainer());
  }

  private async instance<T>(
    ref: string,
    capability: "get-directory" | "put-directory",
    verb: string,
  ): Promise<{ block: T; slug: string }> {
    const doc = await this.api.blockDocument(isSlug(ref) ? { slug: ref } : { id: ref });
    if (!doc) throw new Error(`no block document ${ref}`);
    const registry = await this.plugins();
    const slug = doc.blockType.slug;
    if (!registry.has(slug)) throw new Error(`block ${doc.slug}: no plugin here provides block type "${slug}"`);
    if (!registry.get(slug).capabilities.includes(capability))
      throw new Error(`block ${doc.slug}: type "${slug}" cannot ${verb} directories (no ${capability} capability)`);
    return { block: registry.createInstance<T>(slug, doc.data, this.blockContainer()), slug: doc.slug };
  }

  /** What blocks built here are resolved from: plugins may inject the host's logger, nothing else. */
  blockContainer(): DependencyContainer {
    return blockHostContainer(this.logger);
  }
}

/** The plugin's error with the block document it came from, so users know which block to fix. */
function named(slug: string, e: unknown): Error {
  return new Error(`block ${slug}: ${e instanceof Error ? e.message : String(e)}`);
}

/** Ids are UUIDs; slugs are blockTypeSlug/name. */
function isSlug(ref: string): boolean {
  return ref.includes("/");
}
