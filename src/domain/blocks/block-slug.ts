// The block document slug "blockTypeSlug/name", optionally followed by a sub-path (storage
// references): the one parser behind blockDocument(slug), secret-reveal checks and deployments.

export interface BlockSlug {
  type: string;
  name: string;
  /** segments after type/name; empty for a plain slug */
  subPath: string[];
}

/** Split at every "/"; null when the type, the name or any sub-path segment is empty. */
export function parseBlockSlug(slug: string): BlockSlug | null {
  const [type, name, ...subPath] = slug.split("/");
  if (!type || !name || subPath.some((p) => p === "")) return null;
  return { type, name, subPath };
}

/** A slug naming a block document itself: no sub-path. */
export function parsePlainBlockSlug(slug: string | null | undefined): { type: string; name: string } | null {
  const parsed = slug ? parseBlockSlug(slug) : null;
  return parsed && parsed.subPath.length === 0 ? { type: parsed.type, name: parsed.name } : null;
}
