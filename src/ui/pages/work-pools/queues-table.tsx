// A pool's work queues, lowest priority number (runs first) on top.
import type { PoolQueueFieldsFragment } from "../../generated/graphql";
import { QueueRow } from "./queue-row";

export function QueuesTable({
  queues,
  defaultQueueId,
  canWrite,
}: {
  queues: readonly PoolQueueFieldsFragment[];
  defaultQueueId: string | undefined;
  canWrite: boolean;
}) {
  const sorted = [...queues].sort((a, b) => a.priority - b.priority);
  return (
    <div className="table-scroll">
      <table className="queues">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Priority</th>
            <th scope="col">Concurrency limit</th>
            <th scope="col">Status</th>
            <th scope="col">Last polled</th>
            {canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {sorted.map((q) => (
            <QueueRow key={q.id} queue={q} isDefault={q.id === defaultQueueId} canWrite={canWrite} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
