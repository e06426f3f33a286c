// A block document's data as read-only facts, one per top-level field; the server already replaced
// every secret with "********", shown here as a hidden value.
import { Fragment } from "react";
import { SECRET_MASK } from "./secret-fields";

function Value({ value }: { value: unknown }) {
  if (value === SECRET_MASK)
    return (
      <span className="masked" title="secret: stored encrypted, never shown">
        {SECRET_MASK}
      </span>
    );
  if (value === null) return <span className="muted">null</span>;
  if (typeof value === "object") return <pre className="block-value">{JSON.stringify(value, null, 2)}</pre>;
  return <>{String(value)}</>;
}

export function BlockDataView({ data }: { data: unknown }) {
  const entries = typeof data === "object" && data !== null && !Array.isArray(data) ? Object.entries(data) : [];
  if (entries.length === 0) return <p className="muted">No data: every field has its default.</p>;
  return (
    <dl className="facts block-data">
      {entries.map(([key, value]) => (
        <Fragment key={key}>
          <dt>{key}</dt>
          <dd data-field={key}>
            <Value value={value} />
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
