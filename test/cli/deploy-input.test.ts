// ordo.yaml to applyDeployment's input, in process (no server, no binary): Prefect's field names
// mapped, defaults from the flow, what is kept versus reset when left out, and the file's own checks.
import { describe, expect, it } from "vitest";
import type { FlowMetadata } from "../../src/cli/deployment/flow-metadata.js";
import { checkPlan, planDeployments } from "../../src/cli/project/deploy.js";
import { toDeploymentInput } from "../../src/cli/project/deployment-input.js";
import { parseProjectFile } from "../../src/cli/project/project-file.js";

const flow: FlowMetadata = {
  flowName: "etl",
  description: "From the flow",
  version: null,
  parameterSchema: { type: "object", properties: {} },
};

function input(yaml: string, flowOverrides: Partial<FlowMetadata> = {}) {
  const project = parseProjectFile("ordo.yaml", yaml);
  return toDeploymentInput({
    project,
    index: 0,
    entry: project.value.deployments[0]!,
    flow: { ...flow, ...flowOverrides },
    fileHash: "abc123",
    pullSteps: [],
  });
}

describe("toDeploymentInput", () => {
  it("maps every field", () => {
    const yaml = `
deployments:
  - name: nightly
    entrypoint: flows/etl.ts:etl
    version: "2.0"
    description: Loads things
    tags: [a, b]
    parameters: { day: today }
    enforce_parameter_schema: false
    paused: true
    concurrency_limit: { limit: 2, collision_strategy: CANCEL_NEW }
    schedules:
      - { cron: "0 3 * * *", timezone: Europe/Berlin, day_or: false, slug: nightly, active: false, parameters: { day: yesterday } }
      - { interval: 600, anchor_date: "2024-01-01T00:00:00Z" }
      - { rrule: "FREQ=DAILY", timezone: UTC }
    work_pool: { name: local, work_queue_name: fast, job_variables: { env: { A: "1" } } }
`;
    expect(input(yaml)).toEqual({
      flowName: "etl",
      name: "nightly",
      entrypoint: "flows/etl.ts:etl",
      version: "2.0",
      description: "Loads things",
      tags: ["a", "b"],
      parameters: { day: "today" },
      parameterOpenapiSchema: flow.parameterSchema,
      enforceParameterSchema: false,
      paused: true,
      concurrencyLimit: 2,
      collisionStrategy: "CANCEL_NEW",
      schedules: [
        {
          schedule: { cron: { cron: "0 3 * * *", timezone: "Europe/Berlin", dayOr: false } },
          slug: "nightly",
          active: false,
          parameters: { day: "yesterday" },
        },
        { schedule: { interval: { interval: 600, anchorDate: "2024-01-01T00:00:00Z" } } },
        { schedule: { rrule: { rrule: "FREQ=DAILY", timezone: "UTC" } } },
      ],
      workPoolName: "local",
      workQueueName: "fast",
      jobVariables: { env: { A: "1" } },
      pullSteps: [],
    });
  });

  it("resets what is left out, except schedules and paused; defaults come from the flow, then the file's hash", () => {
    const minimal = input("deployments:\n  - name: n\n    entrypoint: f.ts:etl\n");
    expect(minimal).toEqual({
      flowName: "etl",
      name: "n",
      entrypoint: "f.ts:etl",
      version: "abc123",
      description: "From the flow",
      tags: [],
      parameters: {},
      parameterOpenapiSchema: flow.parameterSchema,
      enforceParameterSchema: true,
      concurrencyLimit: null,
      collisionStrategy: null,
      workPoolName: null,
      workQueueName: null,
      jobVariables: {},
      pullSteps: [],
    });
    expect(input("deployments:\n  - name: n\n    entrypoint: f.ts:etl\n", { version: "7" }).version).toBe("7");
    expect(
      input("deployments:\n  - name: n\n    entrypoint: f.ts:etl\n    schedules: []\n    concurrency_limit: 3\n"),
    ).toMatchObject({ schedules: [], concurrencyLimit: 3, collisionStrategy: null });
  });

  it("names the line of a flow_name that is not the entrypoint's flow, and of a templated field of the wrong type", () => {
    expect(() => input("deployments:\n  - name: n\n    entrypoint: f.ts:etl\n    flow_name: other\n")).toThrow(
      'ordo.yaml:4:16: deployments[0].flow_name is "other" but f.ts:etl is flow "etl"',
    );
    expect(() => input("deployments:\n  - name: n\n    entrypoint: f.ts:etl\n    tags: prod\n")).toThrow(
      "ordo.yaml:4:11: deployments[0].tags must be a list of strings (after templating)",
    );
  });
});

describe("parseProjectFile", () => {
  it.each([
    ["deployments: []\n", /ordo.yaml:1:14: deployments must NOT have fewer than 1 items/],
    ["deployments:\n  - entrypoint: f.ts:x\n", /ordo.yaml:2:5: deployments.0 must have required property 'name'/],
    [
      "deployments:\n  - { name: a, entrypoint: f.ts:x }\n  - { name: a, entrypoint: f.ts:y }\n",
      /ordo.yaml:3:13: a second deployment named "a"/,
    ],
    [
      "deployments:\n  - name: a\n    entrypoint: f.ts:x\n    schedules: [{ interval: 60, day_or: true }]\n",
      /ordo.yaml:4:\d+: day_or goes with cron/,
    ],
    [
      "deployments:\n  - name: a\n    entrypoint: f.ts:x\n    concurrency_limit: { limit: 1, collision_strategy: DROP }\n",
      /concurrency_limit.collision_strategy must be equal to one of the allowed values/,
    ],
    [
      "deployments:\n  - { name: a, entrypoint: f.ts:x, version: 2.10 }\n",
      /ordo.yaml:2:45: deployments.0.version must be string,null/,
    ],
    [
      "deployments:\n  - name: a\n    entrypoint: f.ts:x\n    schedules:\n      - { cron: '* * * * *', interval: 60 }\n",
      /ordo.yaml:5:9: a schedule has exactly one of cron, interval or rrule \(this one has cron and interval\)/,
    ],
    ["a: 1\n---\nb: 2\n", /ordo.yaml: holds several YAML documents/],
    ["deployments:\n  - name: [\n", /ordo.yaml:\d+:\d+: /],
  ])("refuses %j", (yaml, message) => {
    expect(() => parseProjectFile("ordo.yaml", yaml)).toThrow(message);
  });

  it("accepts Prefect's informational keys and a definitions section for YAML anchors", () => {
    const yaml = `
prefect-version: 3.1.0
name: p
definitions:
  pool: &pool { name: local }
deployments:
  - { name: a, entrypoint: f.ts:x, work_pool: *pool }
`;
    expect(parseProjectFile("ordo.yaml", yaml).value.deployments[0]!.work_pool).toEqual({ name: "local" });
  });
});

describe("checking steps and placeholders before anything runs", () => {
  /** Plans and checks every deployment of the file; the block slugs referenced, by where first seen. */
  function check(yaml: string): Map<string, string> {
    const project = parseProjectFile("ordo.yaml", yaml);
    const blocks = new Map<string, string>();
    for (const p of planDeployments(
      project,
      project.value.deployments.map((_, i) => i),
    ))
      checkPlan(project, p, blocks);
    return blocks;
  }
  const d = (extra: string) => `deployments:\n  - name: a\n    entrypoint: f.ts:x\n${extra}`;

  it("accepts outputs of earlier steps (by id or bare key), pull steps' own outputs in pull, and collects blocks", () => {
    process.env.ORDO_TEST_DEPLOY_SET = "1";
    try {
      const blocks = check(`build:
  - run_shell_script: { id: sha, script: "echo {{ $ORDO_TEST_DEPLOY_SET }}" }
push:
  - push_to_storage: { id: up, block: "s3/{{ sha.stdout }}" }
pull:
  - git_clone: { id: clone, repository: "{{ prefect.blocks.secret.repo }}", commit_sha: "{{ sha.stdout }}", access_token: "{{ $UNSET_AT_DEPLOY }}" }
  - set_working_directory: { directory: "{{ clone.directory }}/{{ directory }}" }
${d('    version: "{{ stdout }}-{{ up.path }}"\n    parameters: { root: "{{ ordo.blocks.local-file-system.code.basePath }}" }\n')}`);
      expect([...blocks.keys()]).toEqual(["local-file-system/code", "secret/repo"]);
    } finally {
      delete process.env.ORDO_TEST_DEPLOY_SET;
    }
  });

  it("gives a deployment's own build/push/pull precedence over the file's; null or absent inherits", () => {
    const project = parseProjectFile(
      "ordo.yaml",
      `build:\n  - run_shell_script: { script: global }\npull:\n  - set_working_directory: { directory: global }\ndeployments:
  - { name: a, entrypoint: f.ts:x }
  - { name: b, entrypoint: f.ts:x, build: [{ run_shell_script: { script: own } }], pull: [] }
  - { name: c, entrypoint: f.ts:x, build: null, push: [{ push_to_storage: { block: a/b } }] }
`,
    );
    const [a, b, c] = planDeployments(project, [0, 1, 2]).map((p) => ({
      build: p.build.map((s) => s.step.args.script),
      push: p.push.map((s) => s.step.name),
      pull: p.pull?.map((s) => s.step.args.directory) ?? null,
    }));
    expect(a).toEqual({ build: ["global"], push: [], pull: ["global"] });
    expect(b).toEqual({ build: ["own"], push: [], pull: [] });
    expect(c).toEqual({ build: ["global"], push: ["push_to_storage"], pull: ["global"] });
    // with no pull anywhere, the plan says so (deploy stores set_working_directory to the project folder)
    expect(planDeployments(parseProjectFile("ordo.yaml", d("")), [0])[0]!.pull).toBeNull();
  });

  it.each([
    [
      d("    pull:\n      - run_shell_script: { script: ls }\n"),
      'ordo.yaml:5:9: deployments[0].pull[0]: unknown step "run_shell_script" (known: set_working_directory, git_clone, pull_from_storage, pull_with_block, pull_from_remote_storage); run_shell_script runs at deploy time (build or push), not on the worker',
    ],
    [
      `build:\n  - prefect.deployments.steps.git_clone: { repository: x }\n${d("")}`,
      'ordo.yaml:2:5: build[0]: unknown step "prefect.deployments.steps.git_clone" (known: run_shell_script, push_to_storage); git_clone is a pull step (runs on the worker)',
    ],
    [
      `push:\n  - push_to_storage: { block: a/b, bucket: c }\n${d("")}`,
      "ordo.yaml:2:5: push[0].push_to_storage: unknown argument bucket (accepted: block, path, directory)",
    ],
    [
      `build:\n  - run_shell_script: [ls]\n${d("")}`,
      "ordo.yaml:2:5: build[0].run_shell_script: the arguments must be an object",
    ],
    [
      d('    parameters: { x: "{{ $ORDO_TEST_SURELY_UNSET }}" }\n'),
      "ordo.yaml:4:22: deployments[0].parameters: {{ $ORDO_TEST_SURELY_UNSET }}: environment variable ORDO_TEST_SURELY_UNSET is not set",
    ],
    [
      d('    tags: ["{{ ordo.variables.env }}"]\n'),
      "ordo.yaml:4:12: deployments[0].tags: {{ ordo.variables.env }}: Ordo has no variables; use an environment variable or a block",
    ],
    [
      d('    description: "{{ ordo.blocks.secret }}"\n'),
      "ordo.yaml:4:18: deployments[0].description: {{ ordo.blocks.secret }} must name a block as ordo.blocks.<block-type>.<block-name>",
    ],
    [
      `pull:\n  - set_working_directory: { directory: "{{ later.directory }}" }\n  - git_clone: { id: later, repository: x }\n${d("")}`,
      "ordo.yaml:2:41: pull[0] set_working_directory: {{ later.directory }} is not an output of an earlier step (no earlier step has an id)",
    ],
    [
      `build:\n  - run_shell_script: { id: a, script: "true" }\n  - run_shell_script: { script: "{{ b.stdout }}" }\n${d("")}`,
      "ordo.yaml:3:33: build[1] run_shell_script: {{ b.stdout }} is not an output of an earlier step (step ids so far: a)",
    ],
  ])("refuses %j", (yaml, message) => {
    expect(() => check(yaml)).toThrow(message);
  });
});
