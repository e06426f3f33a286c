// A deployment's paused flag: a switch for keys that may write, plain words for the others.
import { useEffect, useState } from "react";
import { type CombinedError, useMutation } from "urql";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { PauseDeploymentDocument, ResumeDeploymentDocument } from "../../generated/graphql";

export function PausedToggle({ id, slug, paused }: { id: string; slug: string; paused: boolean }) {
  const canWrite = useCan("WRITE");
  const [pausing, pause] = useMutation(PauseDeploymentDocument);
  const [resuming, resume] = useMutation(ResumeDeploymentDocument);
  // the switch shows the asked-for state at once, until the refetched deployment (or a refusal) answers
  const [asked, setAsked] = useState<boolean | null>(null);
  useEffect(() => setAsked(null), [paused]);
  const [error, setError] = useState<CombinedError | null>(null);
  if (!canWrite) return <span className={paused ? "paused-label" : "muted"}>{paused ? "Paused" : "Active"}</span>;
  const shown = asked ?? paused;
  const toggle = async (next: boolean) => {
    setAsked(next);
    const result = next ? await pause({ id }) : await resume({ id });
    setError(result.error ?? null);
    if (result.error) setAsked(null);
  };
  return (
    <>
      <label className="check switch">
        <input
          type="checkbox"
          aria-label={`Paused ${slug}`}
          checked={shown}
          disabled={pausing.fetching || resuming.fetching}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span aria-hidden="true">{shown ? "Paused" : "Active"}</span>
      </label>
      {error && <ErrorNotice error={error} />}
    </>
  );
}
