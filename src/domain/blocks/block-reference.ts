// Resolves how deployments name block documents: an id, `type/name`, or for storage
// `type/name/sub/path` where the extra path joins the block's own path.
import type { Tx } from "../../db/prisma-client.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import { parseBlockSlug } from "./block-slug.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BlockRef {
  id: string;
  /** the part after type/name, for storage blocks */
  subPath: string | null;
}

export interface BlockReferenceRules {
  allowSubPath: boolean;
  /** block type slugs that may be used here (e.g. those with get-directory for storage) */
  allowedTypes: string[];
  role: string;
}

export async function resolveBlockReference(
  tx: Tx,
  ref: string,
  field: string,
  opts: BlockReferenceRules,
): Promise<BlockRef> {
  const checkType = (slug: string) => {
    if (!opts.allowedTypes.includes(slug)) {
      throw new BadUserInputError(
        `${field}: a ${slug} block cannot be used as ${opts.role} (one of: ${opts.allowedTypes.join(", ") || "none loaded"})`,
        field,
      );
    }
  };
  if (UUID.test(ref)) {
    const doc = await tx.blockDocument.findUnique({
      where: { id: ref },
      select: { id: true, blockType: { select: { slug: true } } },
    });
    if (!doc) throw new NotFoundError(`${field}: no block document with id ${ref}`, field);
    checkType(doc.blockType.slug);
    return { id: doc.id, subPath: null };
  }
  const parsed = parseBlockSlug(ref);
  if (!parsed || (parsed.subPath.length > 0 && !opts.allowSubPath)) {
    const shape = opts.allowSubPath ? "block-type-slug/block-name[/sub/path]" : "block-type-slug/block-name";
    throw new BadUserInputError(`${field} must be a block document id or ${shape}, got "${ref}"`, field);
  }
  const { type, name, subPath } = parsed;
  const doc = await tx.blockDocument.findFirst({ where: { name, blockType: { slug: type } }, select: { id: true } });
  if (!doc) throw new NotFoundError(`${field}: no block document "${type}/${name}"`, field);
  checkType(type);
  return { id: doc.id, subPath: subPath.length ? subPath.join("/") : null };
}
