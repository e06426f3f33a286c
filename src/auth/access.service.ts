// Decisions that depend on data, not only on the scope: which block secrets a worker may read.
import { inject, injectable } from "tsyringe";
import type { Database } from "../db/prisma-client.js";
import { parsePlainBlockSlug } from "../domain/blocks/block-slug.js";
import { DATABASE } from "../tokens.js";
import type { Principal } from "./principal.js";
import { grants } from "./scopes.js";

/** The states of a run that a worker is executing: the window in which it may need secrets. */
const ACTIVE = ["PENDING", "RUNNING", "CANCELLING"];

@injectable()
export class AccessService {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /**
   * Admins may reveal any block's secrets; a worker key only those of blocks a run being executed
   * needs — its deployment's storage or infrastructure block, or a block its pull steps name.
   */
  async mayRevealSecrets(principal: Principal, ref: { id: string | null; slug: string | null }): Promise<boolean> {
    if (grants(principal.scopes, "admin")) return true;
    if (!grants(principal.scopes, "worker")) return false;
    const block = await this.find(ref);
    if (!block) return false;
    const active = { flowRuns: { some: { stateType: { in: ACTIVE } } } };
    const direct = await this.db.client.deployment.count({
      where: { ...active, OR: [{ storageDocumentId: block.id }, { infrastructureDocumentId: block.id }] },
    });
    if (direct > 0) return true;
    const withSteps = await this.db.client.deployment.findMany({
      where: active,
      select: { pullSteps: true },
      take: 500,
    });
    return withSteps.some((d) => {
      if (d.pullSteps === null) return false;
      const text = JSON.stringify(d.pullSteps);
      return text.includes(block.slug) || text.includes(block.id);
    });
  }

  /** The document's id and slug (blockTypeSlug/name), from whichever of the two the caller had. */
  private async find(ref: { id: string | null; slug: string | null }): Promise<{ id: string; slug: string } | null> {
    // the same rule as blockDocument(slug): a slug with a sub-path names no document
    const slug = parsePlainBlockSlug(ref.slug);
    const where = ref.id ? { id: ref.id } : slug ? { name: slug.name, blockType: { slug: slug.type } } : null;
    if (!where) return null;
    const d = await this.db.client.blockDocument.findFirst({
      where,
      select: { id: true, name: true, blockType: { select: { slug: true } } },
    });
    return d ? { id: d.id, slug: `${d.blockType.slug}/${d.name}` } : null;
  }
}
