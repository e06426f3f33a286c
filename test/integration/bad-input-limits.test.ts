// Issue 12 regressions through GraphQL on a real database (DESIGN invariant 8): prototype keys in
// every JSON-typed input, depth and size bounds, name rules for explicit and implicit creation,
// log truncation, and what applyDeployment / updateWorkPool check so that runs can start. Each
// refusal is a coded error naming the field, and writes nothing (row counts and write stamps).
import { readFileSync } from "node:fs";
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isObjectType,
  type GraphQLInputField,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJson } from "../../src/cli/common/options.js";
import { parseYaml } from "../../src/cli/common/yaml-file.js";
import { expandDotKeys, mergeDeep, overridesToJobVariables } from "../../src/cli/deployment/job-variables.js";
import { parametersFromFlags } from "../../src/cli/deployment/parameters.js";
import { jobConfigurationFor, mergeJobVariables } from "../../src/domain/work-pools/job-variables.js";
import { rejectionChecker, tableCounts } from "../harness/rejections.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { graphql, operationText } from "../harness/documents.js";

const APPLY = graphql(`mutation A($input: DeploymentInput!) { applyDeployment(input: $input) { deployment { id } } }`);
const CREATE_RUN = graphql(`mutation C($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }`);
const SET_STATE = graphql(`mutation S($input: SetFlowRunStateInput!) { setFlowRunState(input: $input) { status } }`);
const CREATE_BLOCK = graphql(
  `mutation B($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }`,
);
const UPDATE_BLOCK = graphql(`mutation U($id: ID!, $data: JSON!) { updateBlockDocument(id: $id, data: $data) { id } }`);
const CREATE_POOL = graphql(`mutation P($input: WorkPoolInput!) { createWorkPool(input: $input) { id } }`);
const UPDATE_POOL = graphql(
  `mutation UP($name: String!, $input: WorkPoolUpdateInput!) { updateWorkPool(name: $name, input: $input) { baseJobTemplate } }`,
);
const CREATE_QUEUE = graphql(`mutation Q($input: WorkQueueInput!) { createWorkQueue(input: $input) { id } }`);
const HEARTBEAT = graphql(
  `mutation H($pool: String!, $worker: String!) { workerHeartbeat(workPoolName: $pool, workerName: $worker) { id } }`,
);
const CLAIM = graphql(`mutation CL($input: ClaimFlowRunsInput!) { claimFlowRuns(input: $input) { id } }`);
const LOGS = graphql(`mutation L($logs: [LogInput!]!) { createLogs(logs: $logs) }`);

let t: TestApp;
let runId: string;
let blockId: string;

/** Row counts, plus every write stamp a refused update could move. */
async function snapshot() {
  const db = t.app.database.client;
  const stamps = async () => ({
    deployments: (await db.deployment.findMany({ select: { id: true, updated: true }, orderBy: { id: "asc" } })).map(
      (d) => `${d.id}@${d.updated.toISOString()}`,
    ),
    pools: (await db.workPool.findMany({ select: { name: true, updated: true }, orderBy: { name: "asc" } })).map(
      (p) => `${p.name}@${p.updated.toISOString()}`,
    ),
    blocks: (await db.blockDocument.findMany({ select: { id: true, updated: true }, orderBy: { id: "asc" } })).map(
      (b) => `${b.id}@${b.updated.toISOString()}`,
    ),
    run: await db.flowRun.findUniqueOrThrow({ where: { id: runId }, select: { stateId: true } }),
  });
  return { counts: await tableCounts(t), stamps: await stamps() };
}
const expectRejected = rejectionChecker(() => t, snapshot);

const VARIABLES_TEMPLATE = {
  job_configuration: { command: "{{ command }}", cpu: "{{ cpu }}" },
  variables: {
    type: "object",
    properties: { command: { type: "string" }, cpu: { type: "integer", maximum: 8 }, image: { type: "string" } },
    required: ["image"],
  },
};

beforeAll(async () => {
  t = await createTestApp();
  await t.ok(CREATE_POOL, { input: { name: "templated", type: "process", baseJobTemplate: VARIABLES_TEMPLATE } });
  await t.ok(APPLY, {
    input: {
      flowName: "lim",
      name: "base",
      workPoolName: "templated",
      jobVariables: { cpu: 2 },
      entrypoint: "f.ts:flow",
    },
  });
  runId = (await t.ok(CREATE_RUN, { input: { deploymentSlug: "lim/base", jobVariables: { image: "x" } } }))
    .createFlowRun.id;
  blockId = (
    await t.ok(CREATE_BLOCK, {
      input: { blockTypeSlug: "local-file-system", name: "lim-code", data: { basePath: "/srv" } },
    })
  ).createBlockDocument.id;
});
afterAll(async () => {
  await t.close();
});

/** Poison documents built with JSON.parse, so "__proto__" is an own key as it is on the wire. */
const POISONS: Array<[string, string, string]> = [
  ["__proto__", `{"__proto__": {"x": 1}}`, ".__proto__"],
  ["constructor", `{"constructor": {"prototype": {"x": 1}}}`, ".constructor"],
  ["prototype", `{"prototype": {"x": 1}}`, ".prototype"],
  ["dotted __proto__.x", `{"__proto__.x": 1}`, ".__proto__.x"],
  ["dotted a.__proto__", `{"a.__proto__": {"x": 1}}`, ".a.__proto__"],
  ["nested", `{"a": {"b": {"__proto__": {"x": 1}}}}`, ".a.b.__proto__"],
  ["in a list, dotted", `{"a": [{"constructor.prototype.x": 1}]}`, ".a[0].constructor.prototype.x"],
];

/** Every JSON-typed input of the schema: [schema coordinate, query, variables for a value, field of the value]. */
const JSON_INPUTS: Array<[string, TypedDocumentNode<unknown, any>, (v: unknown) => Record<string, unknown>, string]> = [
  [
    "DeploymentInput.parameters",
    APPLY,
    (v) => ({ input: { flowName: "poison", name: "d", parameters: v } }),
    "input.parameters",
  ],
  [
    "DeploymentInput.jobVariables",
    APPLY,
    (v) => ({ input: { flowName: "poison", name: "d", jobVariables: v } }),
    "input.jobVariables",
  ],
  [
    "DeploymentInput.parameterOpenapiSchema",
    APPLY,
    (v) => ({ input: { flowName: "poison", name: "d", parameterOpenapiSchema: v } }),
    "input.parameterOpenapiSchema",
  ],
  [
    "DeploymentInput.pullSteps",
    APPLY,
    (v) => ({ input: { flowName: "poison", name: "d", pullSteps: [{ set_working_directory: v }] } }),
    "input.pullSteps[0].set_working_directory",
  ],
  [
    "DeploymentScheduleInput.parameters",
    APPLY,
    (v) => ({
      input: {
        flowName: "poison",
        name: "d",
        schedules: [{ schedule: { interval: { interval: 60 } }, parameters: v }],
      },
    }),
    "input.schedules[0].parameters",
  ],
  [
    "CreateFlowRunInput.parameters",
    CREATE_RUN,
    (v) => ({ input: { deploymentSlug: "lim/base", parameters: v } }),
    "input.parameters",
  ],
  [
    "CreateFlowRunInput.jobVariables",
    CREATE_RUN,
    (v) => ({ input: { deploymentSlug: "lim/base", jobVariables: v } }),
    "input.jobVariables",
  ],
  [
    "StateInput.data",
    SET_STATE,
    (v) => ({ input: { flowRunId: runId, state: { type: "PENDING", data: v } } }),
    "input.state.data",
  ],
  [
    "CreateBlockDocumentInput.data",
    CREATE_BLOCK,
    (v) => ({ input: { blockTypeSlug: "local-file-system", name: "poison", data: v } }),
    "input.data",
  ],
  ["Mutation.updateBlockDocument(data:)", UPDATE_BLOCK, (v) => ({ id: blockId, data: v }), "data"],
  [
    "WorkPoolInput.baseJobTemplate",
    CREATE_POOL,
    (v) => ({ input: { name: "poison", type: "process", baseJobTemplate: v } }),
    "input.baseJobTemplate",
  ],
  [
    "WorkPoolUpdateInput.baseJobTemplate",
    UPDATE_POOL,
    (v) => ({ name: "templated", input: { baseJobTemplate: v } }),
    "input.baseJobTemplate",
  ],
];

/** Schema coordinates of every JSON-typed input field and argument in schema.graphql. */
function jsonInputsOf(schema: GraphQLSchema): string[] {
  const found = new Set<string>();
  const isJson = (f: { type: Parameters<typeof getNamedType>[0] }) => getNamedType(f.type)?.name === "JSON";
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isInputObjectType(type))
      for (const f of Object.values(type.getFields()) as GraphQLInputField[])
        if (isJson(f)) found.add(`${type.name}.${f.name}`);
    if (isObjectType(type))
      for (const f of Object.values(type.getFields()))
        for (const a of f.args) if (isJson(a)) found.add(`${type.name}.${f.name}(${a.name}:)`);
  }
  return [...found].sort();
}

describe("prototype keys in every JSON-typed input: BAD_USER_INPUT naming the path, nothing written, nothing polluted", () => {
  it("the sweep covers every JSON-typed input of schema.graphql", () => {
    const schema = buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));
    expect(JSON_INPUTS.map(([coordinate]) => coordinate).sort()).toEqual(jsonInputsOf(schema));
  });

  const cases = JSON_INPUTS.flatMap(([coordinate, query, vars, field]) =>
    POISONS.map(([poison, json, suffix]) => [coordinate, poison, query, vars, json, `${field}${suffix}`] as const),
  );
  it.each(cases)("%s with %s", async (_coordinate, _poison, query, vars, json, field) => {
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const error = await expectRejected(query, vars(JSON.parse(json)), { code: "BAD_USER_INPUT", field });
    expect(error.message).toMatch(/not allowed/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect((Object as unknown as Record<string, unknown>).x).toBeUndefined();
  });

  it("the issue's request, then a normal one: the server still answers", async () => {
    await expectRejected(
      CREATE_RUN,
      { input: { deploymentSlug: "lim/base", jobVariables: JSON.parse(`{"__proto__.x": 1}`) } },
      { code: "BAD_USER_INPUT", field: "input.jobVariables.__proto__.x" },
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const ok = await t.ok(CREATE_RUN, {
      input: { deploymentSlug: "lim/base", jobVariables: { image: "y", "env.A": "1" } },
    });
    expect(ok.createFlowRun.id).toBeTruthy();
  });

  it.each([
    [
      "__proto__",
      `mutation { createFlowRun(input: { deploymentSlug: "lim/base", jobVariables: { __proto__: { x: 1 } } }) { id } }`,
      "input.jobVariables.__proto__",
    ],
    [
      "constructor",
      `mutation { createFlowRun(input: { deploymentSlug: "lim/base", parameters: { a: { constructor: { prototype: { x: 1 } } } } }) { id } }`,
      "input.parameters.a.constructor",
    ],
  ])("an inline literal with %s: BAD_USER_INPUT too", async (_name, query, field) => {
    await expectRejected(query, undefined, { code: "BAD_USER_INPUT", field });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("job variables stored before the intake existed are merged and rendered without polluting", async () => {
    const poisoned = JSON.parse(
      `{"__proto__.x": 1, "constructor.prototype.y": 2, "__proto__": {"z": 3}, "image": "i"}`,
    );
    expect(mergeJobVariables({ cpu: 1 }, poisoned)).toEqual({ cpu: 1, image: "i" });
    // a run row written directly, as an old server would have stored it, then read through the API
    await t.app.database.client.flowRun.update({ where: { id: runId }, data: { jobVariables: poisoned } });
    const read = await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { jobConfiguration } }`), { id: runId });
    expect(read.flowRun.jobConfiguration).toEqual({ cpu: 2 });
    // a placeholder naming an inherited property renders nothing from the prototype
    const inherited = {
      job_configuration: { c: "{{ constructor }}", d: "x-{{ toString }}" },
      variables: { type: "object", properties: {} },
    };
    expect(jobConfigurationFor(inherited, {}, {})).toEqual({ d: "x-{{ toString }}" });
    for (const k of ["x", "y", "z"]) expect(({} as Record<string, unknown>)[k]).toBeUndefined();
  });
});

const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
const big = (bytes: number) => ({ blob: "x".repeat(bytes) });
const long = (n: number, c = "n") => c.repeat(n);

describe("depth and size of JSON inputs", () => {
  it("32 levels are accepted, 33 are BAD_USER_INPUT naming where", async () => {
    // nest(n): n objects around a number; the document itself is level 1
    await t.ok(CREATE_RUN, {
      input: { deploymentSlug: "lim/base", parameters: nest(32), jobVariables: { image: "i" } },
    });
    const error = await expectRejected(
      CREATE_RUN,
      { input: { deploymentSlug: "lim/base", parameters: nest(33) } },
      { code: "BAD_USER_INPUT" },
    );
    expect(error.extensions!.field).toMatch(/^input\.parameters(\.a)+$/);
    expect(error.message).toMatch(/deeper than 32/);
  });

  it("100,000 levels: BAD_USER_INPUT, not a crash", async () => {
    // spliced into the body as text: JSON.stringify of such a value would overflow this test's stack
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const body = `{"query": ${JSON.stringify(operationText(CREATE_RUN))}, "variables": {"input": {"deploymentSlug": "lim/base", "parameters": ${deep}}}}`;
    const before = await snapshot();
    const res = await t.app.yoga.fetch("http://ordo.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.adminKey}` },
      body,
    });
    const answer = (await res.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [
      "deployment parameters",
      APPLY,
      { input: { flowName: "big", name: "d", parameters: big(1_048_576) } },
      "input.parameters",
    ],
    [
      "deployment job variables",
      APPLY,
      { input: { flowName: "big", name: "d", jobVariables: big(1_048_576) } },
      "input.jobVariables",
    ],
    [
      "run parameters",
      CREATE_RUN,
      { input: { deploymentSlug: "lim/base", parameters: big(1_048_576) } },
      "input.parameters",
    ],
    [
      "block data",
      CREATE_BLOCK,
      { input: { blockTypeSlug: "local-file-system", name: "big", data: { basePath: long(1_048_576) } } },
      "input.data",
    ],
  ])("%s over 1 MB: BAD_USER_INPUT", async (_name, query, variables, field) => {
    const error = await expectRejected(query, variables, { code: "BAD_USER_INPUT", field });
    expect(error.message).toMatch(/1,048,576/);
    expect(error.message.length).toBeLessThan(300);
  });

  it("state data over 1 MB: BAD_USER_INPUT", async () => {
    await expectRejected(
      SET_STATE,
      { input: { flowRunId: runId, state: { type: "PENDING", data: big(1_048_576) } } },
      { code: "BAD_USER_INPUT", field: "input.state.data" },
    );
  });
});

describe("names and texts: one set of rules, explicit and implicit creation alike", () => {
  const huge = long(1_048_576, "p");
  it.each([
    [
      "applyDeployment workQueueName a/b%",
      APPLY,
      { input: { flowName: "n", name: "d", workQueueName: "a/b%" } },
      "input.workQueueName",
    ],
    [
      "applyDeployment a 1 MB workPoolName",
      APPLY,
      { input: { flowName: "n", name: "d", workPoolName: huge } },
      "input.workPoolName",
    ],
    [
      "applyDeployment a 201-character workQueueName",
      APPLY,
      { input: { flowName: "n", name: "d", workPoolName: "templated", workQueueName: long(201) } },
      "input.workQueueName",
    ],
    [
      "applyDeployment a 201-character flowName",
      APPLY,
      { input: { flowName: long(201), name: "d" } },
      "input.flowName",
    ],
    [
      "applyDeployment 101 tags",
      APPLY,
      { input: { flowName: "n", name: "d", tags: Array.from({ length: 101 }, (_, i) => `t${i}`) } },
      "input.tags",
    ],
    [
      "applyDeployment a 201-character tag",
      APPLY,
      { input: { flowName: "n", name: "d", tags: ["ok", long(201)] } },
      "input.tags[1]",
    ],
    [
      "applyDeployment a 10,001-character description",
      APPLY,
      { input: { flowName: "n", name: "d", description: long(10_001) } },
      "input.description",
    ],
    [
      "applyDeployment a 1,001-character entrypoint",
      APPLY,
      { input: { flowName: "n", name: "d", entrypoint: `${long(1_000)}:f` } },
      "input.entrypoint",
    ],
    ["createWorkPool a 201-character name", CREATE_POOL, { input: { name: long(201), type: "process" } }, "input.name"],
    [
      "createWorkQueue a 201-character name",
      CREATE_QUEUE,
      { input: { workPoolName: "templated", name: long(201) } },
      "input.name",
    ],
    [
      "createWorkQueue 101 filter tags",
      CREATE_QUEUE,
      { input: { workPoolName: "templated", name: "ft", filterTags: Array.from({ length: 101 }, (_, i) => `t${i}`) } },
      "input.filterTags",
    ],
    [
      "createBlockDocument a 201-character name",
      CREATE_BLOCK,
      { input: { blockTypeSlug: "local-file-system", name: long(201), data: { basePath: "/x" } } },
      "input.name",
    ],
    [
      "createFlowRun a 201-character name",
      CREATE_RUN,
      { input: { deploymentSlug: "lim/base", name: long(201) } },
      "input.name",
    ],
    [
      "createFlowRun a workQueueName with /",
      CREATE_RUN,
      { input: { deploymentSlug: "lim/base", workQueueName: "a/b" } },
      "input.workQueueName",
    ],
    [
      "createFlowRun 101 tags",
      CREATE_RUN,
      { input: { deploymentSlug: "lim/base", tags: Array.from({ length: 101 }, (_, i) => `t${i}`) } },
      "input.tags",
    ],
    ["workerHeartbeat a 201-character worker name", HEARTBEAT, { pool: "templated", worker: long(201) }, "workerName"],
    [
      "claimFlowRuns a 1 MB worker name",
      CLAIM,
      { input: { workPoolName: "templated", workerName: huge } },
      "input.workerName",
    ],
    [
      "setFlowRunState a 201-character state name",
      SET_STATE,
      { input: { flowRunId: "$run", state: { type: "PENDING", name: long(201) } } },
      "input.state.name",
    ],
    [
      "setFlowRunState a 10,001-character message",
      SET_STATE,
      { input: { flowRunId: "$run", state: { type: "PENDING", message: long(10_001) } } },
      "input.state.message",
    ],
  ])("%s: BAD_USER_INPUT", async (_name, query, variables, field) => {
    // the run exists only once beforeAll ran, after this table was built
    const input = (variables as { input?: { flowRunId?: string } }).input;
    if (input?.flowRunId === "$run") input.flowRunId = runId;
    const error = await expectRejected(query, variables, { code: "BAD_USER_INPUT", field });
    expect(error.message.length).toBeLessThan(500);
  });

  it("a CONFLICT never echoes a long name back", async () => {
    const name = long(200, "c");
    await t.ok(CREATE_POOL, { input: { name, type: "process" } });
    const error = await expectRejected(
      CREATE_POOL,
      { input: { name, type: "process" } },
      { code: "CONFLICT", field: "input.name" },
    );
    expect(error.message).not.toContain(name);
    expect(error.message.length).toBeLessThan(200);
  });

  it("exactly 200 characters and 100 tags are accepted (the limits are not off by one)", async () => {
    const tags = Array.from({ length: 100 }, (_, i) => `${i}${long(197)}`.slice(0, 200));
    await t.ok(APPLY, {
      input: {
        flowName: long(200, "f"),
        name: long(200, "d"),
        workPoolName: long(200, "w"),
        workQueueName: long(200, "q"),
        tags,
      },
    });
  });
});

describe("log messages are truncated, not refused", () => {
  it("keeps 65,536 characters and says how many were cut", async () => {
    const message = `${long(65_535, "a")}😀${long(100_000, "b")}`;
    expect(await t.ok(LOGS, { logs: [{ flowRunId: runId, level: 20, message }] })).toEqual({ createLogs: 1 });
    const stored = await t.app.database.client.log.findFirstOrThrow({
      where: { flowRunId: runId },
      orderBy: { timestamp: "desc" },
    });
    // the emoji straddles the cut: neither of its halves is kept alone
    expect(stored.message).toBe(`${long(65_535, "a")}… [truncated 100,002 characters]`);
  });
});

describe("applyDeployment checks what its runs will need", () => {
  it("job variables against the pool's variables schema: VALIDATION_FAILED with JSON pointers", async () => {
    const error = await expectRejected(
      APPLY,
      { input: { flowName: "lim", name: "cpu", workPoolName: "templated", jobVariables: { cpu: 99 } } },
      { code: "VALIDATION_FAILED", field: "input.jobVariables" },
    );
    expect(error.extensions!.errors).toEqual([expect.objectContaining({ path: "/cpu" })]);
  });

  it("job variables stored earlier, checked against a pool the deployment moves to", async () => {
    await t.ok(APPLY, { input: { flowName: "lim", name: "mover", jobVariables: { cpu: 64 } } });
    await expectRejected(
      APPLY,
      { input: { flowName: "lim", name: "mover", workPoolName: "templated" } },
      { code: "VALIDATION_FAILED", field: "input.workPoolName" },
    );
  });

  it("a required variable a run may still give is not demanded at apply time", async () => {
    await t.ok(APPLY, {
      input: { flowName: "lim", name: "no-image", workPoolName: "templated", jobVariables: { cpu: 8 } },
    });
  });

  const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
  it("parameters against an enforced parameter schema: VALIDATION_FAILED", async () => {
    const error = await expectRejected(
      APPLY,
      { input: { flowName: "lim", name: "p", parameterOpenapiSchema: schema, parameters: { n: "x" } } },
      { code: "VALIDATION_FAILED", field: "input.parameters" },
    );
    expect(error.extensions!.errors).toEqual([expect.objectContaining({ path: "/n" })]);
    await expectRejected(
      APPLY,
      {
        input: {
          flowName: "lim",
          name: "p",
          parameterOpenapiSchema: schema,
          schedules: [{ schedule: { interval: { interval: 60 } }, parameters: { n: 1.5 } }],
        },
      },
      { code: "VALIDATION_FAILED", field: "input.schedules[0].parameters" },
    );
    // not enforced, or a required parameter left for the run: accepted
    await t.ok(APPLY, {
      input: {
        flowName: "lim",
        name: "p-off",
        parameterOpenapiSchema: schema,
        parameters: { n: "x" },
        enforceParameterSchema: false,
      },
    });
    await t.ok(APPLY, { input: { flowName: "lim", name: "p-later", parameterOpenapiSchema: schema, parameters: {} } });
  });

  it.each([
    [
      "an unknown pull step",
      { pullSteps: [{ set_working_directory: { directory: "/" } }, { run_shell_script: { script: "rm -rf /" } }] },
      "input.pullSteps[1]",
    ],
    [
      "a step that is not one key",
      { pullSteps: [{ git_clone: { repository: "r" }, pull_from_storage: { block: "b" } }] },
      "input.pullSteps[0]",
    ],
    ["an entrypoint without :export", { entrypoint: "flows/hello.ts" }, "input.entrypoint"],
    ["an entrypoint with a bad export name", { entrypoint: "flows/hello.ts:not-a-name" }, "input.entrypoint"],
  ])("%s: BAD_USER_INPUT", async (_name, extra, field) => {
    await expectRejected(
      APPLY,
      { input: { flowName: "lim", name: "steps", ...extra } },
      { code: "BAD_USER_INPUT", field },
    );
  });

  it("known steps under every accepted spelling pass", async () => {
    const pullSteps = [
      { "prefect.deployments.steps.git_clone": { repository: "https://example.com/r.git" } },
      { git_clone_project: { repository: "https://example.com/r.git" } },
      { "ordo.deployments.steps.set_working_directory": { directory: "/srv" } },
      { pull_with_block: { block_type_slug: "local-file-system", block_document_name: "lim-code" } },
    ];
    await t.ok(APPLY, { input: { flowName: "lim", name: "steps-ok", pullSteps, entrypoint: "C:\\flows\\x.ts:flow" } });
  });
});

describe("updateWorkPool refuses a template that would break its deployments", () => {
  const stricter = {
    ...VARIABLES_TEMPLATE,
    variables: {
      ...VARIABLES_TEMPLATE.variables,
      properties: { ...VARIABLES_TEMPLATE.variables.properties, cpu: { type: "integer", maximum: 1 } },
    },
  };
  it("CONFLICT naming the deployments and what fails, the template unchanged", async () => {
    const error = await expectRejected(
      UPDATE_POOL,
      { name: "templated", input: { baseJobTemplate: stricter } },
      { code: "CONFLICT", field: "input.baseJobTemplate" },
    );
    expect(error.message).toContain('"lim/base" (/cpu must be <= 1)');
    const pool = await t.ok(graphql(`query { workPool(name: "templated") { baseJobTemplate } }`));
    expect(pool.workPool.baseJobTemplate).toEqual(VARIABLES_TEMPLATE);
  });

  it("a template every deployment still satisfies is accepted", async () => {
    const looser = {
      ...VARIABLES_TEMPLATE,
      variables: {
        ...VARIABLES_TEMPLATE.variables,
        properties: { ...VARIABLES_TEMPLATE.variables.properties, cpu: { type: "integer", maximum: 16 } },
      },
    };
    const updated = await t.ok(UPDATE_POOL, { name: "templated", input: { baseJobTemplate: looser } });
    expect(updated.updateWorkPool.baseJobTemplate).toEqual(looser);
  });
});

describe("the CLI and its YAML loaders refuse the same keys before anything is sent", () => {
  const clean = () => {
    for (const k of ["x", "y"]) expect(({} as Record<string, unknown>)[k]).toBeUndefined();
  };
  it.each([
    ["--override __proto__.x=1", () => overridesToJobVariables(["__proto__.x=1"])],
    ["--override env.constructor=1", () => overridesToJobVariables(["env.constructor=1"])],
    [
      "job_variables with a dotted __proto__",
      () => expandDotKeys(JSON.parse(`{"__proto__.x": 1}`), "deployment.yaml:3:1"),
    ],
    [
      "job_variables with constructor.prototype",
      () => expandDotKeys({ "constructor.prototype.y": 1 }, "deployment.yaml:3:1"),
    ],
    ["--params", () => parseJson("--params", `{"a": {"__proto__": {"x": 1}}}`)],
    ["--param", () => parametersFromFlags(undefined, ["constructor=1"])],
    [
      "a YAML file",
      () => parseYaml("ordo.yaml", "deployments:\n  - name: d\n    job_variables:\n      __proto__:\n        x: 1\n"),
    ],
    ["a YAML file with a dotted key", () => parseYaml("d.yaml", 'job_variables:\n  "a.prototype": 1\n')],
  ])("%s", (_name, run) => {
    expect(run).toThrow(/not allowed/);
    clean();
  });

  it("names the YAML line of the key", () => {
    expect(() =>
      parseYaml("ordo.yaml", "deployments:\n  - name: d\n    job_variables:\n      __proto__:\n        x: 1\n"),
    ).toThrow(/^ordo\.yaml:4:7: deployments\[0\]\.job_variables\.__proto__: /);
  });

  it("merges stay own-property merges", () => {
    expect(mergeDeep({ a: { b: 1 } }, JSON.parse(`{"a": {"c": 2}, "__proto__": {"x": 1}}`))).toEqual({
      a: { b: 1, c: 2 },
    });
    expect(overridesToJobVariables(["env.A=1", "env.B=2"])).toEqual({ env: { A: "1", B: "2" } });
    clean();
  });
});
