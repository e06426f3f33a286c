// What the CLI shares about the server's identifiers and paged lists: an id is a UUID, and a
// listing reads every page of a connection.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A reference that is an id rather than a name or slug. */
export function isId(ref: string): boolean {
  return UUID.test(ref);
}

interface Page<N> {
  edges: Array<{ node: N }>;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Every node of a connection, one page after another (the server caps the size of a page). */
export async function allNodes<N>(page: (after: string | null) => Promise<Page<N>>): Promise<N[]> {
  const nodes: N[] = [];
  for (let after: string | null = null; ; ) {
    const p: Page<N> = await page(after);
    nodes.push(...p.edges.map((e) => e.node));
    if (!p.pageInfo.hasNextPage || !p.pageInfo.endCursor) return nodes;
    after = p.pageInfo.endCursor;
  }
}
