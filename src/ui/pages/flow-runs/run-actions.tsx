// What a RUN key may do to a run: cancel it while it is not final (after a confirm step), or, once
// final, start a new run of its deployment with the same parameters and tags ("Retry").
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { type UseMutationExecute, type UseMutationState, useMutation } from "urql";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { TERMINAL_STATE_TYPES } from "../../components/state-badge";
import {
  ProposeFlowRunStateDocument,
  type ProposeFlowRunStateMutation,
  type ProposeFlowRunStateMutationVariables,
  RetryFlowRunDocument,
} from "../../generated/graphql";
import type { FlowRunDetail } from "./use-live-run";

export function RunActions({ run }: { run: FlowRunDetail }) {
  const canRun = useCan("RUN");
  // held here, not in CancelRun: the answer stays shown when the run turns final and the button goes
  const [cancelResult, propose] = useMutation(ProposeFlowRunStateDocument);
  if (!canRun) return null;
  const final = TERMINAL_STATE_TYPES.includes(run.stateType);
  const outcome = cancelResult.data?.setFlowRunState;
  return (
    <div className="run-actions">
      {!final && <CancelRun run={run} result={cancelResult} propose={propose} />}
      {final && run.deployment && <RetryRun run={run} deploymentId={run.deployment.id} />}
      {cancelResult.error && <ErrorNotice error={cancelResult.error} />}
      {outcome && outcome.status !== "ACCEPT" && (
        <div className="notice" role="status" data-orchestration-status={outcome.status}>
          Not cancelled: the server answered <strong>{outcome.status}</strong>
          {outcome.reason ? ` (${outcome.reason})` : ""}.{outcome.state && ` The run is ${outcome.state.name}.`}
        </div>
      )}
    </div>
  );
}

type Propose = UseMutationExecute<ProposeFlowRunStateMutation, ProposeFlowRunStateMutationVariables>;

function CancelRun({
  run,
  result,
  propose,
}: {
  run: FlowRunDetail;
  result: UseMutationState<ProposeFlowRunStateMutation, ProposeFlowRunStateMutationVariables>;
  propose: Propose;
}) {
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // focus follows the step: to the question when it opens, back to "Cancel run" when it closes
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (wasConfirming.current) cancelButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const cancel = async () => {
    const answer = await propose({ input: { flowRunId: run.id, state: { type: "CANCELLING" } } });
    if (!answer.error) setConfirming(false);
  };
  const waiting = run.stateType === "SCHEDULED" || run.stateType === "PENDING";

  return (
    <>
      {!confirming && run.stateType !== "CANCELLING" && (
        <div className="actions">
          <button type="button" className="danger" ref={cancelButton} onClick={() => setConfirming(true)}>
            Cancel run
          </button>
        </div>
      )}
      {confirming && (
        <div className="notice confirm">
          <p>
            <strong>Cancel {run.name}?</strong>{" "}
            {waiting ? "It has not started: it will not run." : "Its worker will stop it; the run ends as Cancelled."}
          </p>
          <div className="actions">
            <button type="button" className="danger" ref={confirmButton} disabled={result.fetching} onClick={cancel}>
              {result.fetching ? "Cancelling…" : "Yes, cancel run"}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      )}
    </>
  );
}

function RetryRun({ run, deploymentId }: { run: FlowRunDetail; deploymentId: string }) {
  const [result, create] = useMutation(RetryFlowRunDocument);
  const navigate = useNavigate();
  const retry = async () => {
    const answer = await create({
      input: { deploymentId, parameters: run.parameters, tags: run.tags },
    });
    const created = answer.data?.createFlowRun;
    if (created) navigate(`/runs/${created.id}`);
  };
  return (
    <>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={retry}
          disabled={result.fetching}
          aria-describedby="retry-explained"
          title="Starts a new run of this deployment with the same parameters and tags"
        >
          {result.fetching ? "Starting…" : "Retry"}
        </button>
        <span id="retry-explained" className="muted retry-explained">
          Starts a new run of {run.deployment?.slug ?? "this deployment"} with the same parameters and tags.
        </span>
      </div>
      {result.error && <ErrorNotice error={result.error} />}
    </>
  );
}
