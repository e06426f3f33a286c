// Blocks: the block documents (configuration and credentials that deployments and workers use) and
// the catalog of block types they are made from.
import { useQuery } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { BlockTypesDocument } from "../../generated/graphql";
import { BlockDocumentList } from "./block-document-list";
import { BlockTypeCatalog } from "./block-type-catalog";

export function BlocksPage() {
  const [{ data, error }] = useQuery({ query: BlockTypesDocument });
  const types = data?.blockTypes ?? [];
  return (
    <>
      <h1>Blocks</h1>
      {error && <ErrorNotice error={error} />}
      <BlockDocumentList types={types} />
      {data ? <BlockTypeCatalog types={types} /> : !error && <p className="loading">Loading block types…</p>}
    </>
  );
}
