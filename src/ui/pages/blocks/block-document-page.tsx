// Block document: what it is (type, capabilities, dates), its data with secrets masked, and, for keys
// that may write, editing and deleting it. Secrets are never requested in clear.
import { DocumentationLink } from "./documentation-link";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { Time } from "../../components/time";
import { BlockDocumentDocument, type BlockDocumentDetailFragment } from "../../generated/graphql";
import { BlockDataView } from "./block-data-view";
import { BlockDocumentEditor } from "./block-document-editor";
import { BlockTypeLogo } from "./block-type-logo";
import { ConfirmDeleteBlock } from "./confirm-delete-block";
import { Tags } from "../../components/tags";

export function BlockDocumentPage() {
  const { id = "" } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: BlockDocumentDocument, variables: { id } });
  const doc = data?.blockDocument;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/blocks">Blocks</Link> /
      </p>
      {error && <ErrorNotice error={error} />}
      {fetching && !data && <p className="loading">Loading…</p>}
      {data && !doc && (
        <>
          <h1>Block document</h1>
          <p className="notice">No block document with id {id}: it may have been deleted.</p>
        </>
      )}
      {/* a new document is a new page state: no edit or confirmation carries over */}
      {doc && <BlockDocumentView key={doc.id} doc={doc} />}
    </>
  );
}

function BlockDocumentView({ doc }: { doc: BlockDocumentDetailFragment }) {
  const canWrite = useCan("WRITE");
  const [mode, setMode] = useState<"view" | "edit" | "delete">("view");
  const type = doc.blockType;
  return (
    <article data-block-id={doc.id}>
      <div className="block-title">
        <BlockTypeLogo name={type.name} logoUrl={type.logoUrl} />
        <div>
          <h1>{doc.name}</h1>
          <code>{doc.slug}</code>
        </div>
      </div>
      {canWrite && mode === "view" && (
        <div className="actions">
          <button type="button" onClick={() => setMode("edit")}>
            Edit
          </button>
          <button type="button" className="danger" onClick={() => setMode("delete")}>
            Delete
          </button>
        </div>
      )}
      {mode === "delete" && <ConfirmDeleteBlock id={doc.id} slug={doc.slug} onCancel={() => setMode("view")} />}
      <div className="card">
        <dl className="facts">
          <dt>Type</dt>
          <dd>
            <Link to={`/blocks?type=${encodeURIComponent(type.slug)}`}>{type.name}</Link>{" "}
            <code className="muted">{type.slug}</code>
            {type.documentationUrl && (
              <>
                {" · "}
                <DocumentationLink name={type.name} url={type.documentationUrl} />
              </>
            )}
          </dd>
          <dt>Plugin</dt>
          <dd>{type.plugin}</dd>
          <dt>Capabilities</dt>
          <dd>
            <Tags values={doc.blockSchema.capabilities} empty={<span className="muted">none</span>} />
          </dd>
          <dt>Created</dt>
          <dd>
            <Time iso={doc.created} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time iso={doc.updated} />
          </dd>
          <dt>Schema version</dt>
          <dd>{doc.blockSchema.version}</dd>
        </dl>
      </div>
      <h2>Data</h2>
      {mode === "edit" ? (
        <div className="card">
          <BlockDocumentEditor doc={doc} onDone={() => setMode("view")} />
        </div>
      ) : (
        <div className="card">
          <BlockDataView data={doc.data} />
        </div>
      )}
    </article>
  );
}
