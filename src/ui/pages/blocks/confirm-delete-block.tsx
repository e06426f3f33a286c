// The confirmation step before a block document is deleted. The server refuses (CONFLICT) while a
// deployment uses the block, and that message is shown here.
import { useEffect, useRef } from "react";
import { useNavigate } from "react-router";
import { useMutation } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { DeleteBlockDocumentDocument } from "../../generated/graphql";

export function ConfirmDeleteBlock({ id, slug, onCancel }: { id: string; slug: string; onCancel(): void }) {
  const navigate = useNavigate();
  const [result, remove] = useMutation(DeleteBlockDocumentDocument);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // keyboard users land in the question they are asked
  useEffect(() => cancelRef.current?.focus(), []);
  const confirm = async () => {
    const answer = await remove({ id });
    // false: it was already gone
    if (answer.data) navigate("/blocks");
  };
  return (
    <section className="notice confirm-delete" aria-labelledby="confirm-delete-heading">
      <h2 id="confirm-delete-heading">Delete this block?</h2>
      <p>
        <code>{slug}</code> and its stored secrets are deleted for good. A block a deployment uses cannot be deleted.
      </p>
      {result.error && <ErrorNotice error={result.error} />}
      <div className="actions">
        <button type="button" className="danger" onClick={confirm} disabled={result.fetching}>
          {result.fetching ? "Deleting…" : "Yes, delete"}
        </button>
        <button type="button" className="secondary" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
