// ordo.yaml `schedule:` (singular), as Prefect 2.1x projects write it: one schedule, the same
// shapes as an entry of `schedules:`; both keys at once is an error naming both. In process.
import { describe, expect, it } from "vitest";
import type { FlowMetadata } from "../../src/cli/deployment/flow-metadata.js";
import { toDeploymentInput } from "../../src/cli/project/deployment-input.js";
import { parseProjectFile } from "../../src/cli/project/project-file.js";

const flow: FlowMetadata = {
  flowName: "etl",
  description: null,
  version: null,
  parameterSchema: { type: "object", properties: {} },
};

function input(yaml: string) {
  const project = parseProjectFile("ordo.yaml", yaml);
  return toDeploymentInput({
    project,
    index: 0,
    entry: project.value.deployments[0]!,
    flow,
    fileHash: "abc123",
    pullSteps: [],
  });
}
const deployment = (extra: string) => `deployments:\n  - name: n\n    entrypoint: f.ts:etl\n${extra}`;

describe("ordo.yaml schedule: (one schedule)", () => {
  it("is a list of one, in each shape (a wrap-around cron as Prefect writes it, too)", () => {
    expect(
      input(deployment(`    schedule:\n      cron: "30 8 * * sat-sun"\n      timezone: Europe/Berlin\n`)).schedules,
    ).toEqual([
      {
        schedule: { cron: { cron: "30 8 * * sat-sun", timezone: "Europe/Berlin", dayOr: undefined } },
        active: undefined,
        parameters: undefined,
        slug: undefined,
      },
    ]);
    expect(
      input(deployment(`    schedule: { interval: 600, anchor_date: "2024-01-01T00:00:00Z", slug: every-ten }\n`))
        .schedules,
    ).toMatchObject([
      { schedule: { interval: { interval: 600, anchorDate: "2024-01-01T00:00:00Z" } }, slug: "every-ten" },
    ]);
    expect(input(deployment(`    schedule: { rrule: "FREQ=DAILY", active: false }\n`)).schedules).toMatchObject([
      { schedule: { rrule: { rrule: "FREQ=DAILY" } }, active: false },
    ]);
  });

  it("null means no schedules; left out keeps the stored ones, as schedules: does", () => {
    expect(input(deployment(`    schedule: null\n`)).schedules).toEqual([]);
    expect(input(deployment("")).schedules).toBeUndefined();
  });

  it("is checked like an entry of schedules:, with its own line and column", () => {
    expect(() => input(deployment(`    schedule: { cron: "* * * * *", interval: 60 }\n`))).toThrow(
      /ordo.yaml:4:\d+: a schedule has exactly one of cron, interval or rrule \(this one has cron and interval\)/,
    );
    expect(() => input(deployment(`    schedule: { cron: "* * * * *", nope: 1 }\n`))).toThrow(/nope/);
  });

  it("together with schedules: is an error naming both", () => {
    expect(() => input(deployment(`    schedule: { cron: "0 9 * * *" }\n    schedules: [{ interval: 60 }]\n`))).toThrow(
      /ordo.yaml:4:\d+: deployments\[0\] has both schedule and schedules; give one/,
    );
  });
});
