// A deployment's schedules: each in words with its status and next runs, paused or resumed one at a
// time, and a form to add one. Changes re-apply the deployment with its whole schedule set, since
// applyDeployment replaces the set (reconciled by slug or definition, so the others keep their runs).
import { useId } from "react";
import { useMutation } from "urql";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { ApplyDeploymentSchedulesDocument, type DeploymentScheduleFieldsFragment } from "../../generated/graphql";
import { AddScheduleForm } from "./add-schedule-form";
import { SchedulePreview } from "./schedule-preview";
import {
  type ScheduledDeployment,
  scheduleDefinition,
  scheduleInWords,
  schedulesInput,
  toDeploymentScheduleInput,
  toPreviewInput,
} from "./schedules";

export function DeploymentSchedules({ deployment }: { deployment: ScheduledDeployment & { paused: boolean } }) {
  const canWrite = useCan("WRITE");
  const [toggling, apply] = useMutation(ApplyDeploymentSchedulesDocument);
  const setActive = (id: string, active: boolean) =>
    apply(
      schedulesInput(
        deployment,
        deployment.schedules.map((s) => toDeploymentScheduleInput(s, s.id === id ? active : s.active)),
      ),
    );
  return (
    <section aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">Schedules</h2>
      {deployment.paused && (
        <p className="notice">The deployment is paused: its schedules create no runs until it is resumed.</p>
      )}
      {toggling.error && <ErrorNotice error={toggling.error} />}
      {deployment.schedules.length === 0 && <p className="muted">No schedules: runs start only when asked.</p>}
      <ul className="schedules grid">
        {deployment.schedules.map((s) => (
          <ScheduleCard
            key={s.id}
            schedule={s}
            canWrite={canWrite}
            busy={toggling.fetching}
            onActive={(active) => setActive(s.id, active)}
          />
        ))}
      </ul>
      {canWrite && <AddScheduleForm deployment={deployment} />}
    </section>
  );
}

function ScheduleCard({
  schedule,
  canWrite,
  busy,
  onActive,
}: {
  schedule: DeploymentScheduleFieldsFragment;
  canWrite: boolean;
  busy: boolean;
  onActive(active: boolean): void;
}) {
  const wordsId = useId();
  const words = scheduleInWords(schedule.schedule);
  return (
    <li className="card schedule" data-schedule-id={schedule.id}>
      <p className="schedule-words" id={wordsId}>
        <strong>{words}</strong> <span className="muted">({schedule.schedule.timezone})</span>
      </p>
      <p className="schedule-meta">
        <span className={`schedule-status ${schedule.active ? "active" : "paused"}`}>
          {schedule.active ? "Active" : "Paused"}
        </span>
        {schedule.slug && <span className="tag">{schedule.slug}</span>}
        <code className="muted">{scheduleDefinition(schedule.schedule)}</code>
      </p>
      <h3 className="small-heading">{schedule.active ? "Next runs" : "Next runs once resumed"}</h3>
      <SchedulePreview schedule={toPreviewInput(schedule.schedule)} label={`Next runs of ${words}`} />
      {canWrite && (
        <button
          type="button"
          className="secondary"
          aria-describedby={wordsId}
          disabled={busy}
          onClick={() => onActive(!schedule.active)}
        >
          {schedule.active ? "Pause schedule" : "Resume schedule"}
        </button>
      )}
    </li>
  );
}
