// One block type of the catalog: what it is, which plugin brought it, what it can do, its
// documentation, and the way to create a document of it.
import { DocumentationLink } from "./documentation-link";
import { Link } from "react-router";
import { useCan } from "../../api/viewer";
import type { BlockTypeCardFragment } from "../../generated/graphql";
import { BlockTypeLogo } from "./block-type-logo";
import { ClampedText } from "./clamped-text";

export function BlockTypeCard({ type }: { type: BlockTypeCardFragment }) {
  const canWrite = useCan("WRITE");
  const headingId = `block-type-${type.slug}`;
  return (
    <article className="card block-type" data-block-type={type.slug} aria-labelledby={headingId}>
      <div className="block-type-head">
        <BlockTypeLogo name={type.name} logoUrl={type.logoUrl} />
        <div>
          <h3 id={headingId}>{type.name}</h3>
          <code>{type.slug}</code>
        </div>
      </div>
      <p className="hint">from {type.plugin}</p>
      {type.description && <ClampedText text={type.description} label={type.name} />}
      {type.latestSchema.capabilities.length > 0 && (
        <ul className="capabilities" aria-label="Capabilities">
          {type.latestSchema.capabilities.map((c) => (
            <li key={c} className="tag">
              {c}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        {canWrite && (
          <Link className="button" to={`/blocks/new/${type.slug}`}>
            New {type.name}
          </Link>
        )}
        {type.documentationUrl && <DocumentationLink name={type.name} url={type.documentationUrl} />}
      </div>
    </article>
  );
}
