// Editing a block document's data. Secrets are write-only: their inputs start empty, and one left
// empty is sent back as "********", which the server replaces with the stored secret
// (updateBlockDocument, merge: false — the full data, so a field emptied here is removed).
import { useMemo, useState } from "react";
import { useMutation } from "urql";
import { fieldErrors } from "../../api/field-errors";
import { ErrorNotice } from "../../components/error-notice";
import { type BlockDocumentDetailFragment, UpdateBlockDocumentDocument } from "../../generated/graphql";
import { BlockDataForm } from "./block-data-form";
import { isValidationOf, otherErrors } from "./mutation-errors";
import { withKeptSecrets, withoutMaskedSecrets } from "./secret-fields";

export function BlockDocumentEditor({ doc, onDone }: { doc: BlockDocumentDetailFragment; onDone(): void }) {
  const latest = doc.blockType.latestSchema;
  // the document's own schema masked these; the type's newest one decides the inputs
  const secretPaths = useMemo(
    () => [...new Set([...doc.blockSchema.secretFields, ...latest.secretFields])],
    [doc.blockSchema.secretFields, latest.secretFields],
  );
  // taken once: later refetches of the document must not reset what is being typed
  const [start] = useState(() => withoutMaskedSecrets(doc.data, secretPaths));
  const [value, setValue] = useState(start.value);
  const [result, update] = useMutation(UpdateBlockDocumentDocument);
  const notices = otherErrors(result.error, (e) => isValidationOf(e, "data"));
  const save = async (data: Record<string, unknown>) => {
    const answer = await update({ id: doc.id, data: withKeptSecrets(data, start.stored) });
    if (answer.data) onDone();
  };
  return (
    <BlockDataForm
      id="edit-block"
      fields={latest.fields}
      secretFields={latest.secretFields}
      storedSecrets={start.stored}
      value={value}
      onChange={setValue}
      onSubmit={save}
      fieldErrors={fieldErrors(result.error, "data").schema}
      disabled={result.fetching}
    >
      {notices.map((m) => (
        <ErrorNotice key={m} error={m} />
      ))}
      <div className="actions">
        <button type="submit" disabled={result.fetching}>
          {result.fetching ? "Saving…" : "Save"}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </BlockDataForm>
  );
}
