// A deployment's schedules in a few words each, with their time zone, for the deployments list.
import type { DeploymentScheduleFieldsFragment } from "../../generated/graphql";
import { scheduleDefinition, scheduleInWords } from "./schedules";

export function ScheduleSummary({ schedules }: { schedules: readonly DeploymentScheduleFieldsFragment[] }) {
  if (schedules.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="schedule-summary">
      {schedules.map((s) => (
        <li key={s.id} className={s.active ? undefined : "inactive"} title={scheduleDefinition(s.schedule)}>
          {scheduleInWords(s.schedule)} <span className="muted">({s.schedule.timezone})</span>
          {!s.active && <span className="muted"> · paused</span>}
        </li>
      ))}
    </ul>
  );
}
