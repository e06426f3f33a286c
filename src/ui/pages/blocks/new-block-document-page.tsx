// New block document: a name and the data of one block type, as a form generated from the type's
// JSON Schema; the server validates, and its errors are shown on the fields they name.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { fieldErrors } from "../../api/field-errors";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { type BlockTypeFormQuery, BlockTypeFormDocument, CreateBlockDocumentDocument } from "../../generated/graphql";
import { BlockDataForm } from "./block-data-form";
import { BlockTypeLogo } from "./block-type-logo";
import { errorsAbout, isValidationOf, otherErrors } from "./mutation-errors";

const NAME = /^[a-z0-9-]*$/;

export function NewBlockDocumentPage() {
  const { typeSlug = "" } = useParams();
  const canWrite = useCan("WRITE");
  const [{ data, error, fetching }] = useQuery({ query: BlockTypeFormDocument, variables: { slug: typeSlug } });
  const type = data?.blockType;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/blocks">Blocks</Link> /
      </p>
      {error && <ErrorNotice error={error} />}
      {fetching && !data && <p className="loading">Loading…</p>}
      {data && !type && (
        <>
          <h1>New block document</h1>
          <p className="notice">
            No block type <code>{typeSlug}</code> on this server (is its plugin loaded?).
          </p>
        </>
      )}
      {type && !canWrite && (
        <>
          <h1>New {type.name}</h1>
          <p className="notice">Creating blocks needs a key with the WRITE scope.</p>
        </>
      )}
      {type && canWrite && <NewBlockForm type={type} />}
    </>
  );
}

function NewBlockForm({ type }: { type: NonNullable<BlockTypeFormQuery["blockType"]> }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [value, setValue] = useState<Record<string, unknown>>({});
  const [result, create] = useMutation(CreateBlockDocumentDocument);
  const nameErrors = errorsAbout(result.error, "input.name");
  const notices = otherErrors(
    result.error,
    (e) => e.extensions?.field === "input.name" || isValidationOf(e, "input.data"),
  );
  const nameLooksWrong = !NAME.test(name);
  const submit = async (data: Record<string, unknown>) => {
    const answer = await create({ input: { blockTypeSlug: type.slug, name: name.trim(), data } });
    const id = answer.data?.createBlockDocument.id;
    if (id) navigate(`/blocks/${id}`);
  };
  return (
    <>
      <div className="block-title">
        <BlockTypeLogo name={type.name} logoUrl={type.logoUrl} />
        <h1>New {type.name}</h1>
      </div>
      {type.description && <p className="muted">{type.description}</p>}
      <div className="card">
        <label className="block-name">
          Block name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={nameLooksWrong || nameErrors.length > 0 ? true : undefined}
            aria-describedby={nameErrors.length ? "block-name-hint block-name-error" : "block-name-hint"}
          />
        </label>
        <p id="block-name-hint" className={nameLooksWrong ? "field-error" : "hint"}>
          Lowercase letters, digits and -; deployments refer to it as{" "}
          <code>
            {type.slug}/{name || "name"}
          </code>
          .
        </p>
        {nameErrors.length > 0 && (
          <p id="block-name-error" className="field-error">
            {nameErrors.join(" ")}
          </p>
        )}
        {type.latestSchema.secretFields.length > 0 && (
          <p className="hint">Secret fields are stored encrypted and never shown again.</p>
        )}
        <BlockDataForm
          id="new-block"
          fields={type.latestSchema.fields}
          secretFields={type.latestSchema.secretFields}
          value={value}
          onChange={setValue}
          onSubmit={submit}
          fieldErrors={fieldErrors(result.error, "input.data").schema}
          disabled={result.fetching}
        >
          {notices.map((m) => (
            <ErrorNotice key={m} error={m} />
          ))}
          <div className="actions">
            <button type="submit" disabled={result.fetching}>
              {result.fetching ? "Creating…" : "Create"}
            </button>
            <Link className="button secondary" to="/blocks">
              Cancel
            </Link>
          </div>
        </BlockDataForm>
      </div>
    </>
  );
}
