// The block documents, newest first a page at a time, optionally of one block type (kept in the URL
// as ?type=slug so the view can be linked).
import { Link, useSearchParams } from "react-router";
import { ErrorNotice } from "../../components/error-notice";
import { LoadMore } from "../../components/load-more";
import { Time } from "../../components/time";
import type { BlockTypeCardFragment } from "../../generated/graphql";
import { useBlockDocuments } from "./use-block-documents";

export function BlockDocumentList({ types }: { types: readonly BlockTypeCardFragment[] }) {
  const [params, setParams] = useSearchParams();
  const typeSlug = params.get("type") || null;
  const documents = useBlockDocuments(typeSlug);
  const chooseType = (slug: string) => {
    const next = new URLSearchParams(params);
    if (slug) next.set("type", slug);
    else next.delete("type");
    setParams(next);
  };
  return (
    <section aria-labelledby="block-documents-heading">
      <h2 id="block-documents-heading">Block documents</h2>
      <div className="filters">
        <label>
          Documents of type
          <select value={typeSlug ?? ""} onChange={(e) => chooseType(e.target.value)}>
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name} ({t.slug})
              </option>
            ))}
          </select>
        </label>
      </div>
      {documents.error && <ErrorNotice error={documents.error} />}
      {documents.rows.length > 0 && (
        <div className="table-scroll">
          <table className="block-documents">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {documents.rows.map((doc) => (
                <tr key={doc.id} data-block-id={doc.id}>
                  <td>
                    <Link to={`/blocks/${doc.id}`}>{doc.name}</Link>
                  </td>
                  <td>
                    {doc.blockType.name} <code className="muted">{doc.blockType.slug}</code>
                  </td>
                  <td>
                    <Time iso={doc.updated} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!documents.loading && !documents.error && documents.rows.length === 0 && (
        <p className="muted">
          {typeSlug ? "No block document of this type." : "No block documents yet: create one from a block type below."}
        </p>
      )}
      <LoadMore
        shown={documents.rows.length}
        total={documents.total}
        hasMore={documents.hasMore}
        loading={documents.loading}
        onMore={documents.loadMore}
      />
    </section>
  );
}
