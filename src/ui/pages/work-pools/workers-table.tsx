// The workers that have polled a pool: online until they miss three heartbeats.
import { Time } from "../../components/time";
import type { WorkPoolDetailQuery } from "../../generated/graphql";
import { PoolStatus } from "./pool-status";

type Worker = NonNullable<WorkPoolDetailQuery["workPool"]>["workers"][number];

export function WorkersTable({ workers, poolName }: { workers: readonly Worker[]; poolName: string }) {
  if (workers.length === 0)
    return (
      <p className="muted">
        No worker has polled this pool yet. Start one with <code>ordo worker start --pool {poolName}</code>.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="workers">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.id} data-worker-id={w.id} data-worker-name={w.name}>
              <td>{w.name}</td>
              <td>
                <PoolStatus status={w.status} />
              </td>
              <td>
                <Time iso={w.lastHeartbeatTime} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
