// The query limits against the real schema, through yoga with no database: every document the
// clients send passes; the measured attack shapes are refused with QUERY_TOO_COMPLEX before any
// resolver runs; bad page sizes are BAD_USER_INPUT; no error echoes a submitted value.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  Kind,
  parse,
  print,
  visit,
  type ASTNode,
  type GraphQLError,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from "graphql";
import { createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { createMaskError } from "../graphql/errors.js";
import { schema } from "../graphql/schema.js";
import { ATTACKS, deepChain, manyTokens, manyWorkPoolAliases } from "./query-limits.fixtures.js";
import { QUERY_LIMITS, queryLimitPlugins } from "./query-limits.js";

const OPERATIONS_DIR = path.join(import.meta.dirname, "../client/operations");

/** Each client operation as it is sent: the operation plus the fragments it reaches. */
function clientDocuments(): Array<[string, string]> {
  const files = readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith(".graphql"));
  const all = parse(files.map((f) => readFileSync(path.join(OPERATIONS_DIR, f), "utf8")).join("\n"));
  const fragments = new Map(
    all.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const spreads = (node: ASTNode): string[] => {
    const names: string[] = [];
    visit(node, { FragmentSpread: (s) => void names.push(s.name.value) });
    return names;
  };
  return all.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      const used = new Set<string>();
      const queue = spreads(operation);
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        if (used.has(name)) continue;
        used.add(name);
        queue.push(...spreads(fragments.get(name)!));
      }
      const definitions: DefinitionNode[] = [operation, ...[...used].map((n) => fragments.get(n)!)];
      return [operation.name!.value, print({ kind: Kind.DOCUMENT, definitions } as DocumentNode)];
    });
}

const yoga = createYoga({
  schema,
  logging: false,
  plugins: queryLimitPlugins({ dev: false }),
  context: () => ({}),
  maskedErrors: { maskError: createMaskError(() => {}) },
});

interface Response {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function post(query: string, variables?: Record<string, unknown>): Promise<{ body: Response; ms: number }> {
  const started = performance.now();
  const res = await yoga.fetch("http://ordo.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Response;
  return { body, ms: performance.now() - started };
}

/** The validation errors of a document, as parse and validate see them (no execution). */
function validationErrors(query: string): Array<{ message: string; extensions: Record<string, unknown> }> {
  const { parse: parseDoc, validate } = yoga.getEnveloped({});
  return validate(schema, parseDoc(query)).map((e: GraphQLError) => ({
    message: e.message,
    extensions: { ...e.extensions },
  }));
}

describe("client documents", () => {
  const documents = clientDocuments();
  it("finds the operations of every client file", () => {
    expect(documents.length).toBeGreaterThan(50);
  });
  it.each(documents)("%s passes every limit", (_name, query) => {
    expect(validationErrors(query)).toEqual([]);
  });
});

describe("attack shapes: QUERY_TOO_COMPLEX at parse or validation", () => {
  it.each(ATTACKS)("%s", async (_name, query, message) => {
    const { body, ms } = await post(query);
    expect(body.data).toBeUndefined(); // refused before execution: no data at all
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors!) expect(error.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(body.errors!.map((e) => e.message).join("\n")).toMatch(message);
    console.log(`${_name}: refused in ${ms.toFixed(1)} ms`);
  });

  it("each limit on its own names itself", () => {
    expect(validationErrors(deepChain(QUERY_LIMITS.maxDepth + 1))).toContainEqual(
      expect.objectContaining({
        message: "query depth 16 exceeds the maximum 15",
        extensions: expect.objectContaining({ code: "QUERY_TOO_COMPLEX", limit: "depth" }),
      }),
    );
    expect(validationErrors(deepChain(QUERY_LIMITS.maxDepth))).toEqual([]);
    expect(validationErrors(manyWorkPoolAliases(31))).toEqual([
      expect.objectContaining({
        message: "query has 31 aliases, more than the maximum 30",
        extensions: expect.objectContaining({ code: "QUERY_TOO_COMPLEX", limit: "aliases" }),
      }),
    ]);
    expect(validationErrors(manyWorkPoolAliases(30))).toEqual([]);
    expect(() => validationErrors(manyTokens(4_985))).toThrow(/more than the maximum 5000 tokens/);
    expect(validationErrors(manyTokens(4_984))).toEqual([]);
    const repeats = (n: number) => `{ workPools { ${Array(n).fill("...on WorkPool { name }").join(" ")} } }`;
    expect(validationErrors(repeats(21))).toEqual([
      expect.objectContaining({
        message: 'query selects "name" 21 times in one place, more than the maximum 20',
        extensions: expect.objectContaining({ limit: "fieldRepeats" }),
      }),
    ]);
    expect(validationErrors(repeats(20))).toEqual([]);
  });

  it("refuses over a limit without running the spec's rules (an unknown field goes unreported)", () => {
    expect(validationErrors(`{ noSuchField ${manyWorkPoolAliases(31).slice(1)}`).map((e) => e.extensions.code)).toEqual(
      ["QUERY_TOO_COMPLEX"],
    );
  });

  it("costs a connection by first, 50 without it, the maximum for a variable", () => {
    const cost = (query: string) =>
      Number(/query cost (\d+)/.exec(validationErrors(query)[0]?.message ?? "")?.[1] ?? 0);
    // flows 1 + 200 × (edges 1 + node 1 + deployments (1 + 200 × (edges 1 + node 1 + id 1 + name 1))): refused
    expect(
      cost("{ flows(first: 200) { edges { node { deployments(first: 200) { edges { node { id name } } } } } } }"),
    ).toBe(1 + 200 * (2 + (1 + 200 * 4)));
    // the same with the default 50 inside: 1 + 200 × (2 + 1 + 50 × 4) = 40,601, allowed
    expect(
      validationErrors("{ flows(first: 200) { edges { node { deployments { edges { node { id name } } } } } } }"),
    ).toEqual([]);
    expect(
      cost(
        "query($n: Int) { flows(first: $n) { edges { node { deployments(first: $n) { edges { node { id name } } } } } } }",
      ),
    ).toBe(160_601);
  });

  it("does not count introspection (GraphiQL's query nests deeper than any limit)", () => {
    const introspection = `{ __schema { types { name fields { name args { name type { kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { name } } } } } } } } } } } } }`;
    expect(validationErrors(introspection)).toEqual([]);
  });
});

describe("connection page sizes: BAD_USER_INPUT naming the argument", () => {
  it("only connections take first/last (the check relies on it)", () => {
    const paged = Object.values(schema.getTypeMap()).flatMap((type) =>
      "getFields" in type && !type.name.startsWith("__")
        ? Object.values(type.getFields()).filter(
            (f) => "args" in f && f.args.some((a: { name: string }) => a.name === "first" || a.name === "last"),
          )
        : [],
    );
    expect(paged.length).toBeGreaterThan(0);
    for (const field of paged) expect(String(field.type)).toMatch(/Connection!$/);
  });

  it.each([
    ["first: 201 at the root", "{ flowRuns(first: 201) { totalCount } }", undefined, "first"],
    ["first: -1 at the root", "{ deployments(first: -1) { totalCount } }", undefined, "first"],
    [
      "last: 500 nested",
      "{ deployments { edges { node { flowRuns(last: 500) { totalCount } } } } }",
      undefined,
      "last",
    ],
    [
      "first: -1 nested, through a fragment",
      "{ flows { edges { node { ...F } } } } fragment F on Flow { deployments(first: -1) { totalCount } }",
      undefined,
      "first",
    ],
    ["a variable", 'query($n: Int) { logs(flowRunId: "x", first: $n) { totalCount } }', { n: 1000 }, "first"],
    ["a variable's default", "query($n: Int = -5) { flows(first: $n) { totalCount } }", {}, "first"],
  ])("%s", async (_name, query, variables, field) => {
    const { body } = await post(query, variables);
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field } })]);
    expect(body.errors![0]!.message).toMatch(
      new RegExp(`^${field} must (not be negative|be at most 200, the largest page)$`),
    );
  });
});

describe("no error echoes a submitted value", () => {
  const SECRET = "s3cr3t-Value-42";
  const noEcho = (body: Response) => expect(JSON.stringify(body)).not.toContain(SECRET);

  it.each([
    [
      "a string where Int is expected",
      `{ flowRuns(first: "${SECRET}") { totalCount } }`,
      /^Expected value of type "Int" at "first"; Int cannot represent non-integer value$|^Invalid value at "first"; Int cannot represent non-integer value$/,
      "first",
    ],
    [
      "an enum literal where Int is expected",
      `{ flowRuns(first: ${SECRET.replaceAll("-", "_")}) { totalCount } }`,
      /at "first"/,
      "first",
    ],
    [
      "a string where an enum is expected, nested",
      `{ flowRuns(filter: { stateTypes: ["${SECRET}"] }) { totalCount } }`,
      /at "filter.stateTypes\[0\]"/,
      "filter.stateTypes[0]",
    ],
    [
      "an object where a String is expected",
      `{ flow(name: { token: "${SECRET}" }) { id } }`,
      /^Invalid value at "name"; String cannot represent a non string value$/,
      "name",
    ],
    [
      "a bad DateTime",
      `{ flowRuns(filter: { expectedStartAfter: "${SECRET}" }) { totalCount } }`,
      /at "filter.expectedStartAfter"; DateTime cannot represent an invalid date-time-string$/,
      "filter.expectedStartAfter",
    ],
    ["a variable's default", `query($n: Int = "${SECRET}") { flows(first: $n) { totalCount } }`, /at "\$n"/, "$n"],
  ])("inline: %s", async (_name, query, message, field) => {
    const { body } = await post(query);
    noEcho(body);
    expect(body.errors?.[0]?.message).toMatch(message);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", field });
    // the validation cache hands the same error objects back: rewriting them twice changes nothing
    expect((await post(query)).body).toEqual(body);
  });

  it.each([
    [
      "a string for Int",
      "query($n: Int) { flows(first: $n) { totalCount } }",
      { n: SECRET },
      'Variable "$n" got invalid value; Int cannot represent non-integer value',
      "n",
    ],
    [
      "a string for an enum, nested",
      "query($f: FlowRunFilter) { flowRuns(filter: $f) { totalCount } }",
      { f: { stateTypes: [SECRET] } },
      'Variable "$f" got invalid value at "f.stateTypes[0]"; Value does not exist in "StateType" enum.',
      "f.stateTypes[0]",
    ],
    [
      "a bad DateTime",
      "query($f: FlowRunFilter) { flowRuns(filter: $f) { totalCount } }",
      { f: { expectedStartAfter: `${SECRET}; x: y` } },
      'Variable "$f" got invalid value at "f.expectedStartAfter"; DateTime cannot represent an invalid date-time-string',
      "f.expectedStartAfter",
    ],
  ])("variables: %s", async (_name, query, variables, message, field) => {
    const { body } = await post(query, variables);
    noEcho(body);
    expect(body.errors).toEqual([
      expect.objectContaining({ message, extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field }) }),
    ]);
  });

  it("a syntax error names the token kind, not its text", async () => {
    const { body } = await post(`{ flows(first: 1 "${SECRET}") { totalCount } }`);
    noEcho(body);
    expect(body.errors?.[0]?.message).toBe("Syntax Error: Expected Name, found String.");
  });

  it("field suggestions are hidden unless in development", async () => {
    const { body } = await post("{ workPoolz { name } }");
    expect(body.errors?.[0]?.message).toBe('Cannot query field "workPoolz" on type "Query".');
    const dev = createYoga({ schema, logging: false, plugins: queryLimitPlugins({ dev: true }), context: () => ({}) });
    const { validate, parse: parseDoc } = dev.getEnveloped({});
    expect(validate(schema, parseDoc("{ workPoolz { name } }"))[0]?.message).toMatch(
      /Did you mean "workPool" or "workPools"\?/,
    );
  });
});
