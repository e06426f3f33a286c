// Property-based robustness: fast-check builds arguments for every query and mutation straight from
// the printed schema — strings with surrogates, wildcards and poison keys, huge and tiny numbers,
// deep JSON — and a real server must answer each call quickly with data or a documented code,
// leave the database untouched when a mutation fails, and leave Object.prototype alone.
// Seedable: ORDO_FUZZ_SEED=<n> replays a run; ORDO_FUZZ_RUNS=<n> changes its size.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import {
  buildSchema,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

const schema = buildSchema(readFileSync(path.resolve(import.meta.dirname, "../../schema.graphql"), "utf8"));
const DOCUMENTED = new Set([
  "BAD_USER_INPUT",
  "VALIDATION_FAILED",
  "NOT_FOUND",
  "CONFLICT",
  "FORBIDDEN",
  "QUERY_TOO_COMPLEX",
]);
/** a hang detector, not a speed requirement (the issue's bound) */
const ANSWER_MS = 2000;
const RUNS = Number(process.env.ORDO_FUZZ_RUNS ?? 120);
const SEED = process.env.ORDO_FUZZ_SEED ? Number(process.env.ORDO_FUZZ_SEED) : undefined;

/** Own "__proto__" keys exist only through JSON.parse; an object literal would set the prototype. */
const poison = [
  JSON.parse('{"__proto__": {"x": 1}}'),
  { "__proto__.x": 1 },
  { "a.constructor.prototype.x": 1 },
  JSON.parse('{"a": {"constructor": {"prototype": {"x": 1}}}}'),
];
const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });

const strings = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    "%",
    "_",
    "a%b_",
    "\\",
    "\uD800",
    "x\uDFFFy",
    "__proto__",
    "a/b",
    "fz/d",
    "fz-pool",
    "",
    " ",
    "a".repeat(300),
    "local-file-system/fz-block",
  ),
);
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(...poison, deep(40), { big: "x".repeat(2_000_000) }),
);

/** An arbitrary for a value of `type` (null allowed where the schema allows it). */
function valueOf(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, depth);
  const inner = nonNull(getNullableType(type) as GraphQLInputType, depth);
  return fc.option(inner, { freq: 8, nil: null });
}

function nonNull(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isListType(type))
    return fc.array(valueOf(type.ofType as GraphQLInputType, depth + 1), { maxLength: depth > 2 ? 0 : 3 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    if (type.isOneOf)
      return fc.constantFrom(...fields).chain((f) =>
        valueOf(f.type, depth + 1)
          .filter((v) => v !== null)
          .map((v) => ({ [f.name]: v })),
      );
    const entries: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields)
      entries[f.name] = depth > 3 && !isNonNullType(f.type) ? fc.constant(undefined) : valueOf(f.type, depth + 1);
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    return fc.record(entries, { requiredKeys: required }).map((o) => JSON.parse(JSON.stringify(o)) as unknown);
  }
  switch (type.name) {
    case "Int":
      return fc.oneof(fc.integer(), fc.constantFrom(-5, 0, 1, 200, 201, 2 ** 31 - 1));
    case "Float":
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(1e-9, 0.5, 1, 60, 1e12, 1e308, -1),
      );
    case "Boolean":
      return fc.boolean();
    case "ID":
      return fc.oneof(fc.uuid(), strings);
    case "DateTime":
      return fc.oneof(
        fc
          .date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom("not a date", "2026-13-45T00:00:00Z"),
      );
    case "JSON":
      return json;
    default:
      return strings;
  }
}

/** `field(a: $a …) { __typename }` with its variables' types, for one root field. */
function operation(kind: "query" | "mutation", field: GraphQLField<unknown, unknown>): string {
  const vars = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const returned = getNullableType(field.type);
  const named = isListType(returned) ? getNullableType(returned.ofType) : returned;
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? " { __typename }" : "";
  return `${kind}${vars ? `(${vars})` : ""} { ${field.name}${args ? `(${args})` : ""}${selection} }`;
}

const calls = [
  ...Object.values(schema.getQueryType()!.getFields()).map((f) => ({ kind: "query" as const, field: f })),
  ...Object.values(schema.getMutationType()!.getFields()).map((f) => ({ kind: "mutation" as const, field: f })),
];
const call = fc
  .constantFrom(...calls)
  .chain(({ kind, field }) =>
    fc
      .record(Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.type)])))
      .map((variables) => ({ kind, field: field.name, query: operation(kind, field), variables })),
  );

let t: TestApp;
const MODELS = [
  "flow",
  "deployment",
  "deploymentSchedule",
  "flowRun",
  "flowRunState",
  "log",
  "workPool",
  "workQueue",
  "worker",
  "blockDocument",
] as const;

/** Row counts and a hash of every row of the tables a mutation can touch (API keys' lastUsed aside). */
async function snapshot(): Promise<string> {
  const db = t.app.database.client as unknown as Record<string, { findMany(a: object): Promise<unknown[]> }>;
  const hash = createHash("sha256");
  for (const m of MODELS) hash.update(`${m}:${JSON.stringify(await db[m]!.findMany({ orderBy: { id: "asc" } }))}`);
  return hash.digest("hex");
}

beforeAll(async () => {
  t = await createTestApp();
  await applyDeployment(t, { flowName: "fz", name: "d", workPoolName: "fz-pool", parameters: { a: 1 } });
  await t.ok(
    graphql(
      `mutation { createBlockDocument(input: { blockTypeSlug: "local-file-system", name: "fz-block", data: { basePath: "/tmp" } }) { id } }`,
    ),
  );
});
afterAll(async () => {
  await t?.close();
});

describe("every query and mutation, with generated arguments", () => {
  it("answers in time with data or a documented code, writes nothing when it fails, and never touches Object.prototype", async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    await fc.assert(
      fc.asyncProperty(call, async ({ kind, field, query, variables }) => {
        const before = kind === "mutation" ? await snapshot() : "";
        const started = performance.now();
        const r = await t.gql(query, variables);
        const ms = performance.now() - started;
        const context = `${field} ${JSON.stringify(variables).slice(0, 300)} → ${JSON.stringify(r.errors ?? r.data).slice(0, 300)}`;
        expect(ms, context).toBeLessThan(ANSWER_MS);
        for (const e of r.errors ?? []) expect(DOCUMENTED.has(e.extensions?.code), context).toBe(true);
        if (!r.errors?.length) expect(r.data?.[field], context).not.toBeUndefined();
        if (kind === "mutation" && r.errors?.length) expect(await snapshot(), `a failed ${context} wrote`).toBe(before);
        expect(Object.getOwnPropertyNames(Object.prototype).sort(), context).toEqual(prototypeKeys);
        expect(({} as Record<string, unknown>).x, context).toBeUndefined();
      }),
      { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: 45_000, endOnFailure: true },
    );
    // and the server still serves a normal request afterwards
    expect((await t.ok(graphql(`{ deployment(slug: "fz/d") { name } }`))).deployment).toEqual({ name: "d" });
  }, 90_000);
});
