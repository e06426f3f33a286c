// One work queue as a table row; with the WRITE scope, its priority and concurrency limit are
// inputs of a small per-row form (the inputs sit in their own cells and join the form by its id)
// and it can be paused or resumed.
import { useState } from "react";
import { useMutation } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { Time } from "../../components/time";
import { type PoolQueueFieldsFragment, UpdatePoolQueueDocument } from "../../generated/graphql";
import { Limit, PoolStatus } from "./pool-status";

export const QUEUE_COLUMNS = 6;

export function QueueRow({
  queue,
  isDefault,
  canWrite,
}: {
  queue: PoolQueueFieldsFragment;
  isDefault: boolean;
  canWrite: boolean;
}) {
  const [update, runUpdate] = useMutation(UpdatePoolQueueDocument);
  // drafts start from the server's values and follow them until the user types
  const [priority, setPriority] = useState<string | null>(null);
  const [limit, setLimit] = useState<string | null>(null);
  const shownPriority = priority ?? String(queue.priority);
  const shownLimit = limit ?? (queue.concurrencyLimit == null ? "" : String(queue.concurrencyLimit));
  const changed =
    shownPriority !== String(queue.priority) ||
    shownLimit !== (queue.concurrencyLimit == null ? "" : String(queue.concurrencyLimit));
  const formId = `queue-form-${queue.id}`;

  const save = async () => {
    const result = await runUpdate({
      id: queue.id,
      // an empty limit clears it (null = no limit)
      input: { priority: Number(shownPriority), concurrencyLimit: shownLimit === "" ? null : Number(shownLimit) },
    });
    if (!result.error) {
      setPriority(null);
      setLimit(null);
    }
  };

  return (
    <>
      <tr data-queue-id={queue.id} data-queue-name={queue.name}>
        <th scope="row">
          {queue.name} {isDefault && <span className="tag">default</span>}
        </th>
        <td>
          {canWrite ? (
            <input
              form={formId}
              className="pools-number"
              type="number"
              min={1}
              step={1}
              required
              aria-label={`Priority of queue ${queue.name}`}
              value={shownPriority}
              onChange={(e) => setPriority(e.target.value)}
            />
          ) : (
            queue.priority
          )}
        </td>
        <td>
          {canWrite ? (
            <input
              form={formId}
              className="pools-number"
              type="number"
              min={0}
              step={1}
              placeholder="none"
              aria-label={`Concurrency limit of queue ${queue.name}`}
              value={shownLimit}
              onChange={(e) => setLimit(e.target.value)}
            />
          ) : (
            <Limit value={queue.concurrencyLimit} />
          )}
        </td>
        <td>
          <PoolStatus status={queue.status} />
        </td>
        <td>
          <Time iso={queue.lastPolled} />
        </td>
        {canWrite && (
          <td>
            <form
              id={formId}
              className="pools-row-actions"
              aria-label={`Queue ${queue.name} settings`}
              onSubmit={(e) => {
                e.preventDefault();
                void save();
              }}
            >
              <button type="submit" disabled={!changed || update.fetching} aria-label={`Save queue ${queue.name}`}>
                Save
              </button>
              <button
                type="button"
                className="secondary"
                disabled={update.fetching}
                aria-label={`${queue.isPaused ? "Resume" : "Pause"} queue ${queue.name}`}
                onClick={() => void runUpdate({ id: queue.id, input: { isPaused: !queue.isPaused } })}
              >
                {queue.isPaused ? "Resume" : "Pause"}
              </button>
            </form>
          </td>
        )}
      </tr>
      {update.error && (
        <tr>
          <td colSpan={QUEUE_COLUMNS}>
            <ErrorNotice error={update.error} />
          </td>
        </tr>
      )}
    </>
  );
}
