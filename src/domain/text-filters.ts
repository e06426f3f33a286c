// Exact text conditions for read filters. Prisma's `contains` is SQL LIKE on both databases and
// passes `%` and `_` through as wildcards, so user text is escaped first (backslash: PostgreSQL's
// default LIKE escape, and SQLite's too once db/sqlite-like.ts has replaced its like()).

/** `text` as a LIKE pattern that matches only itself. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

/** Names containing `text` literally, case-sensitively on both databases. */
export function containsText(text: string): { contains: string } {
  return { contains: likeLiteral(text) };
}

/**
 * A `tagsKey` ("|a|b|") condition for one whole tag, exactly. Stored tags never contain "|"
 * (normalizeTags refuses it), so a tag with one matches nothing rather than spanning two tags.
 */
export function hasTag(tag: string): { contains: string } | { in: string[] } {
  return tag.includes("|") || tag === "" ? { in: [] } : { contains: `|${likeLiteral(tag)}|` };
}
