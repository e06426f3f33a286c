// Adds a schedule (cron, interval or rrule, in a time zone) to a deployment; the server judges it,
// and its answer (a bad cron, an unknown zone) is shown here.
import { type FormEvent, useId, useState } from "react";
import { useMutation } from "urql";
import { ErrorNotice } from "../../components/error-notice";
import { ApplyDeploymentSchedulesDocument, type ScheduleInput } from "../../generated/graphql";
import {
  cronInWords,
  intervalInWords,
  rruleInWords,
  type ScheduledDeployment,
  schedulesInput,
  toDeploymentScheduleInput,
} from "./schedules";

type Kind = "cron" | "interval" | "rrule";

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;
type Unit = keyof typeof UNIT_SECONDS;

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES = Intl.supportedValuesOf("timeZone");

export function AddScheduleForm({ deployment }: { deployment: ScheduledDeployment }) {
  const ids = useId();
  const [kind, setKind] = useState<Kind>("cron");
  const [cron, setCron] = useState("");
  const [every, setEvery] = useState("5");
  const [unit, setUnit] = useState<Unit>("minutes");
  const [rrule, setRrule] = useState("");
  const [timezone, setTimezone] = useState(BROWSER_ZONE);
  const [adding, apply] = useMutation(ApplyDeploymentSchedulesDocument);
  const [added, setAdded] = useState(false);

  const zone = timezone.trim() || "UTC";
  const seconds = Number(every) * UNIT_SECONDS[unit];
  const schedule: ScheduleInput =
    kind === "cron"
      ? { cron: { cron: cron.trim(), timezone: zone } }
      : kind === "interval"
        ? { interval: { interval: seconds, timezone: zone } }
        : { rrule: { rrule: rrule.trim(), timezone: zone } };
  const words =
    kind === "cron"
      ? cron.trim() && cronInWords(cron.trim())
      : kind === "interval"
        ? seconds > 0 && intervalInWords(seconds)
        : rrule.trim() && rruleInWords(rrule.trim());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(false);
    const result = await apply(
      schedulesInput(deployment, [...deployment.schedules.map((s) => toDeploymentScheduleInput(s)), { schedule }]),
    );
    if (result.data) {
      setAdded(true);
      setCron("");
      setRrule("");
    }
  };

  return (
    <form className="card add-schedule" aria-labelledby={`${ids}-title`} onSubmit={submit}>
      <h3 id={`${ids}-title`}>Add a schedule</h3>
      <div className="add-schedule-fields">
        {/* a select's label stays outside it, so its name is "Kind" rather than its options' text */}
        <div className="field">
          <label htmlFor={`${ids}-kind`}>Kind</label>
          <select id={`${ids}-kind`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="cron">Cron</option>
            <option value="interval">Interval</option>
            <option value="rrule">RRule</option>
          </select>
        </div>
        {kind === "cron" && (
          <label>
            Cron expression
            <input required value={cron} placeholder="0 9 * * 1-5" onChange={(e) => setCron(e.target.value)} />
          </label>
        )}
        {kind === "interval" && (
          <>
            <label>
              Interval
              <input
                type="number"
                required
                min="1"
                step="any"
                value={every}
                onChange={(e) => setEvery(e.target.value)}
              />
            </label>
            <div className="field">
              <label htmlFor={`${ids}-unit`}>Unit</label>
              <select id={`${ids}-unit`} value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
                {Object.keys(UNIT_SECONDS).map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        {kind === "rrule" && (
          <label>
            RRule
            <input
              required
              value={rrule}
              placeholder="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9"
              onChange={(e) => setRrule(e.target.value)}
            />
          </label>
        )}
        <label>
          Timezone
          <input list={`${ids}-zones`} value={timezone} onChange={(e) => setTimezone(e.target.value)} />
          <datalist id={`${ids}-zones`}>
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </label>
        <button type="submit" disabled={adding.fetching}>
          {adding.fetching ? "Adding…" : "Add schedule"}
        </button>
      </div>
      {words && (
        <p className="muted" aria-live="polite">
          {words} ({zone})
        </p>
      )}
      {adding.error && <ErrorNotice error={adding.error} />}
      {added && !adding.error && (
        <p className="notice" role="status">
          Schedule added.
        </p>
      )}
    </form>
  );
}
