// Decisions that depend on data, not only on the scope: which block secrets a worker may read.
import { inject, injectable } from "tsyringe";
import type { Database } from "../db/prisma-client.js";
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
  async mayRevealSecrets(principal: Principal, block: { id: string; slug: string | null }): Promise<boolean> {
    if (grants(principal.scopes, "admin")) return true;
    if (!grants(principal.scopes, "worker")) return false;
    const active = { flowRuns: { some: { stateType: { in: ACTIVE } } } };
    const direct = await this.db.client.deployment.count({
      where: { ...active, OR: [{ storageDocumentId: block.id }, { infrastructureDocumentId: block.id }] },
    });
    if (direct > 0) return true;
    const slug =
      block.slug ??
      (await this.db.client.blockDocument.findUnique({ where: { id: block.id }, select: { name: true, blockType: { select: { slug: true } } } }).then((d) =>
        d ? `${d.blockType.slug}/${d.name}` : null,
      ));
    const withSteps = await this.db.client.deployment.findMany({
      where: active,
      select: { pullSteps: true },
      take: 500,
    });
    return withSteps.some((d) => {
      if (d.pullSteps === null) return false;
      const text = JSON.stringify(d.pullSteps);
      return (slug !== null && text.includes(slug)) || text.includes(block.id);
    });
  }
}
