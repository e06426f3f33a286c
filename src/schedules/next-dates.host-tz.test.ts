// nextDates must not depend on the server's own timezone (rrule.js #233 and croner #284 did):
// the same DST-sensitive cases computed in child processes with other TZ values.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nextDates } from "./next-dates.js";
import type { ScheduleDefinition } from "./schedule-definition.js";

const CASES: [ScheduleDefinition, string][] = [
  [{ kind: "cron", cron: "30 2 * * *", timezone: "America/New_York", dayOr: true }, "2024-03-09T00:00:00Z"],
  [{ kind: "cron", cron: "0 * * * *", timezone: "Europe/London", dayOr: true }, "2024-10-26T22:30:00Z"],
  [
    { kind: "interval", interval: 86_400, anchorDate: "2024-01-01T14:15:00.000Z", timezone: "Australia/Lord_Howe" },
    "2024-10-04T00:00:00Z",
  ],
  [
    {
      kind: "rrule",
      rrule: "DTSTART;TZID=Australia/Sydney:20190105T023000\nRRULE:FREQ=DAILY",
      timezone: "Australia/Sydney",
    },
    "2024-10-05T00:00:00Z",
  ],
  [
    {
      kind: "rrule",
      rrule: "RRULE:FREQ=HOURLY;INTERVAL=5",
      timezone: "America/New_York",
      dtstart: "2024-10-01T04:00:00.000Z",
    },
    "2024-11-02T20:00:00Z",
  ],
];

const compute = (cases: typeof CASES) =>
  cases.map(([def, after]) => nextDates(def, { after: new Date(after), n: 6 }).map((d) => d.toISOString()));

describe("host timezone independence", () => {
  it.each(["America/New_York", "Australia/Sydney", "Asia/Kolkata"])(
    "TZ=%s gives the same dates as this process",
    (tz) => {
      const module = fileURLToPath(new URL("./next-dates.ts", import.meta.url));
      const script = `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify(${JSON.stringify(CASES)}.map(([def, after]) => m.nextDates(def, { after: new Date(after), n: 6 }).map((d) => d.toISOString())))))`;
      const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
        env: { ...process.env, TZ: tz },
        encoding: "utf8",
      });
      expect(child.stderr).toBe("");
      expect(JSON.parse(child.stdout)).toEqual(compute(CASES));
    },
  );
});
