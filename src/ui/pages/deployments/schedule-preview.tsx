// The next five dates a schedule runs at, as the server works them out (previewSchedule).
import { useQuery } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { Time } from "../../components/time";
import { PreviewScheduleDocument, type ScheduleInput } from "../../generated/graphql";

export function SchedulePreview({ schedule, label }: { schedule: ScheduleInput; label: string }) {
  const [{ data, error, fetching }] = useQuery({ query: PreviewScheduleDocument, variables: { schedule } });
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <p className="muted">{fetching ? "Working out the next runs…" : ""}</p>;
  if (data.previewSchedule.length === 0) return <p className="muted">No future runs.</p>;
  return (
    <ol className="next-runs" aria-label={label}>
      {data.previewSchedule.map((iso) => (
        <li key={iso}>
          <Time iso={iso} />
        </li>
      ))}
    </ol>
  );
}
