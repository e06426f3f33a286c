// Block documents a page at a time (the blockDocuments connection), optionally of one block type;
// "Load more" appends the next page after the last cursor.
import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { type BlockDocumentRowFragment, BlockDocumentsDocument } from "../../generated/graphql";

const PAGE = 50;

export function useBlockDocuments(blockTypeSlug: string | null) {
  const [cursor, setCursor] = useState<string | null>(null);
  const [rows, setRows] = useState<BlockDocumentRowFragment[]>([]);
  const [result] = useQuery({
    query: BlockDocumentsDocument,
    variables: { first: PAGE, after: cursor, blockTypeSlug },
    requestPolicy: "network-only",
  });
  // another type starts again from the first page
  useEffect(() => {
    setCursor(null);
    setRows([]);
  }, [blockTypeSlug]);
  useEffect(() => {
    const page = result.data?.blockDocuments.edges.map((e) => e.node);
    if (!page) return;
    setRows((old) => {
      const seen = new Set(old.map((r) => r.id));
      return cursor ? [...old, ...page.filter((r) => !seen.has(r.id))] : page;
    });
  }, [result.data, cursor]);
  const connection = result.data?.blockDocuments;
  return {
    rows,
    total: connection?.totalCount ?? 0,
    hasMore: connection?.pageInfo.hasNextPage ?? false,
    loading: result.fetching,
    error: result.error,
    loadMore: () => connection?.pageInfo.endCursor && setCursor(connection.pageInfo.endCursor),
  };
}
