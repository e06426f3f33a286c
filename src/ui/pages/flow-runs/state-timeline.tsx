// A run's state history, oldest first: each state's badge, when it was entered, and its message.
import { StateBadge } from "../../components/state-badge";
import { Time } from "../../components/time";
import type { RunState } from "./use-live-run";

export function StateTimeline({ states }: { states: readonly RunState[] }) {
  return (
    <section aria-labelledby="run-states-title">
      <h2 id="run-states-title">States</h2>
      <ol className="state-timeline">
        {states.map((s) => (
          <li key={s.id} data-state-id={s.id} data-state-type={s.type}>
            <StateBadge type={s.type} name={s.name} />
            <Time iso={s.timestamp} />
            {s.message && <span className="state-message">{s.message}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
