// Resolves how deployments name block documents: an id, `type/name`, or for storage
// `type/name/sub/path` where the extra path joins the block's own path.
import type { Tx } from "../../db/prisma-client.js";
import { BadUserInputError, NotFoundError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BlockRef {
  id: string;
  /** the part after type/name, for storage blocks */
  subPath: string | null;
}

export async function resolveBlockReference(tx: Tx, ref: string, field: string, opts: { allowSubPath: boolean }): Promise<BlockRef> {
  if (UUID.test(ref)) {
    const doc = await tx.blockDocument.findUnique({ where: { id: ref }, select: { id: true } });
    if (!doc) throw new NotFoundError(`${field}: no block document with id ${ref}`, field);
    return { id: doc.id, subPath: null };
  }
  const [type, name, ...rest] = ref.split("/");
  if (!type || !name || (rest.length > 0 && !opts.allowSubPath) || rest.some((p) => p === "")) {
    const shape = opts.allowSubPath ? "block-type-slug/block-name[/sub/path]" : "block-type-slug/block-name";
    throw new BadUserInputError(`${field} must be a block document id or ${shape}, got "${ref}"`, field);
  }
  const doc = await tx.blockDocument.findFirst({ where: { name, blockType: { slug: type } }, select: { id: true } });
  if (!doc) throw new NotFoundError(`${field}: no block document "${type}/${name}"`, field);
  return { id: doc.id, subPath: rest.length ? rest.join("/") : null };
}
