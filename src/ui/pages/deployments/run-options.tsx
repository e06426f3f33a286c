// The custom run's own fields besides its parameters: a name, extra tags, and when it starts.
import { useId } from "react";

export interface RunOptionsValue {
  name: string;
  /** comma separated */
  tags: string;
  start: "now" | "later";
  /** a datetime-local value, in the browser's zone */
  startAt: string;
}

export const NO_OPTIONS: RunOptionsValue = { name: "", tags: "", start: "now", startAt: "" };

/** The createFlowRun input fields the options set; the empty ones are left to the server's defaults. */
export function optionsInput(options: RunOptionsValue): {
  name?: string;
  tags?: string[];
  scheduledStartTime?: string;
} {
  const tags = options.tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const at = options.start === "later" && options.startAt ? new Date(options.startAt) : null;
  return {
    ...(options.name.trim() ? { name: options.name.trim() } : {}),
    ...(tags.length ? { tags } : {}),
    ...(at && !Number.isNaN(at.getTime()) ? { scheduledStartTime: at.toISOString() } : {}),
  };
}

export function RunOptions({ value, onChange }: { value: RunOptionsValue; onChange(value: RunOptionsValue): void }) {
  const id = useId();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <fieldset className="run-options">
      <legend>Run</legend>
      <label>
        Run name
        <input
          value={value.name}
          placeholder="a random two-word name"
          onChange={(e) => onChange({ ...value, name: e.target.value })}
        />
      </label>
      <label>
        Tags
        <input
          value={value.tags}
          placeholder="comma separated, added to the deployment's"
          onChange={(e) => onChange({ ...value, tags: e.target.value })}
        />
      </label>
      <fieldset className="start-choice">
        <legend>Start</legend>
        <label className="check">
          <input
            type="radio"
            name={`${id}-start`}
            value="now"
            checked={value.start === "now"}
            onChange={() => onChange({ ...value, start: "now" })}
          />
          Now
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${id}-start`}
            value="later"
            checked={value.start === "later"}
            onChange={() => onChange({ ...value, start: "later" })}
          />
          Later
        </label>
      </fieldset>
      {value.start === "later" && (
        <label>
          Start at
          <input
            type="datetime-local"
            required
            value={value.startAt}
            aria-describedby={`${id}-zone`}
            onChange={(e) => onChange({ ...value, startAt: e.target.value })}
          />
          <span className="hint" id={`${id}-zone`}>
            in your time zone ({zone})
          </span>
        </label>
      )}
    </fieldset>
  );
}
