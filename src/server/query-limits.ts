// Bounds what one GraphQL document may ask for — tokens while parsing, then depth, aliases, field
// repeats and cost before the spec's own validation — so an abusive query is refused in
// milliseconds with QUERY_TOO_COMPLEX, before any resolver runs; also hides field suggestions
// outside development, redacts echoed literals and checks connection page sizes.
import { EnvelopArmor } from "@escape.tech/graphql-armor";
import type { DocumentNode, GraphQLError, GraphQLSchema, ValidationContext, ValidationRule } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { connectionArgumentsPlugin } from "../graphql/connection-arguments.js";
import { fieldRepeatsRule } from "./field-repeats.js";
import { costLimitRule } from "./query-cost.js";
import { redactLiteralsPlugin } from "./redact-literals.js";

export { boundedParserCache } from "./document-cache.js";

/**
 * Every document the CLI, worker, executor and SDK send (src/client/operations) stays well inside
 * these (src/server/query-limits.test.ts checks it): depth 6 at most, no aliases, a field
 * repeated 3 times (`timezone` across a union's fragments), 118 tokens, cost 31,801 (the CLI's
 * deployment listing with first: 200 and 10 schedules assumed per deployment; 2,801 or less for
 * every other operation).
 */
export const QUERY_LIMITS = {
  /** nesting of fields, leaves included, fragments flattened: the clients need 6 */
  maxDepth: 15,
  /** aliases per operation: each one is another resolver run (and database query) for one field */
  maxAliases: 30,
  /** lexical tokens, counted while parsing, so a huge document is refused before an AST is built;
   *  batches (logs, parameters) belong in variables, which do not count */
  maxTokens: 5_000,
  /** fields answering to one response name in one selection set (fragments merged): graphql-js
   *  compares every pair of them, which 1,240 repeats turn into ~0.4 s of validation */
  maxFieldRepeats: 20,
  /** estimated values returned: 1 per field, a list multiplying its sub-selection by its page
   *  (first/last, else the defaults below). The 1,000-alias attack that stalled every client for
   *  16 s costs 401,000; the CLI's deployment listing needs 31,801 (first: 200) */
  maxCost: 50_000,
  /** a connection without first/last returns this many (the builder's defaultConnectionSize) */
  defaultPageSize: 50,
  /** the most a connection returns (maxConnectionSize); first/last above it is BAD_USER_INPUT */
  maxPageSize: 200,
  /** assumed length of a plain list (pools, queues, workers, states, schedules): a handful in practice */
  listEstimate: 10,
} as const;

/** yoga's GraphQLError, not this module's: under vitest they can be two copies of graphql, and
 *  graphql-ws accepts validation errors only as instances of its own (yoga's) copy. */
function tooComplex(message: string, limit: string, maximum: number): GraphQLError {
  return createGraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX", limit, maximum } });
}

/** Armor reports "… limit of 15 exceeded, found 50."; this keeps the number it found. */
function found(error: GraphQLError): number {
  return Number(/found (\d+)/.exec(error.message)?.[1] ?? NaN);
}

/** Armor's rules throw their own "Syntax Error: …" by default; these report ours instead. */
function reporter(make: (error: GraphQLError) => GraphQLError) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(make(error))],
  };
}

/**
 * Armor ships each rule inside an envelop plugin that adds it to the one validation pass; this
 * takes the rules out so they run in the pre-pass below. Plugins that add no rule are kept as such.
 */
function splitRules(plugins: Plugin[]): { rules: ValidationRule[]; plugins: Plugin[] } {
  const rules: ValidationRule[] = [];
  const rest = plugins.filter((plugin) => {
    const before = rules.length;
    if (!plugin.onValidate) return true;
    const probe = { addValidationRule: (rule: ValidationRule) => rules.push(rule), params: {} };
    (plugin.onValidate as unknown as (p: typeof probe) => unknown)(probe);
    return rules.length === before;
  });
  return { rules, plugins: rest };
}

/**
 * The limit rules run alone first, and a document over any limit gets only their errors: the
 * spec's rules (OverlappingFieldsCanBeMerged is quadratic) never see it, so refusal stays linear.
 */
function limitsFirst(rules: ValidationRule[]): Plugin {
  // the verdict depends on the schema and the document only (rules see no variables), and yoga's
  // parse cache hands the same DocumentNode back for the same text: each document is walked once,
  // not on every request (it runs before yoga's validation cache, which cannot skip it)
  const verdicts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();
  return {
    onValidate({ params, validateFn, setResult }) {
      let bySchema = verdicts.get(params.schema);
      if (!bySchema) verdicts.set(params.schema, (bySchema = new WeakMap()));
      const known = bySchema.get(params.documentAST);
      const errors: readonly GraphQLError[] = known ?? validateFn(params.schema, params.documentAST, rules);
      if (!known) bySchema.set(params.documentAST, errors);
      if (errors.length) setResult([...errors]);
    },
  };
}

export function queryLimitPlugins(opts: { dev: boolean }): Plugin[] {
  const L = QUERY_LIMITS;
  const armor = new EnvelopArmor({
    maxTokens: {
      n: L.maxTokens,
      // no validation context while parsing: throwing aborts the parse, and yoga answers with it
      onReject: [
        () => {
          throw tooComplex(`query has more than the maximum ${L.maxTokens} tokens`, "tokens", L.maxTokens);
        },
      ],
    },
    maxDepth: {
      n: L.maxDepth,
      flattenFragments: true,
      ...reporter((e) => tooComplex(`query depth ${found(e)} exceeds the maximum ${L.maxDepth}`, "depth", L.maxDepth)),
    },
    maxAliases: {
      n: L.maxAliases,
      ...reporter((e) =>
        tooComplex(`query has ${found(e)} aliases, more than the maximum ${L.maxAliases}`, "aliases", L.maxAliases),
      ),
    },
    // Armor's cost limit multiplies only by literal first/last and knows no default page size
    costLimit: { enabled: false },
    // the token limit already bounds how many directives fit in a document
    maxDirectives: { enabled: false },
    // suggestions name fields and types a caller did not ask about: only while developing
    blockFieldSuggestion: { enabled: !opts.dev, mask: "" },
  });
  const { rules: armorRules, plugins: armorPlugins } = splitRules(armor.protect().plugins as Plugin[]);
  const repeatsRule = fieldRepeatsRule({
    max: L.maxFieldRepeats,
    reject: (name, count) =>
      tooComplex(
        `query selects "${name}" ${count} times in one place, more than the maximum ${L.maxFieldRepeats}`,
        "fieldRepeats",
        L.maxFieldRepeats,
      ),
  });
  const costRule = costLimitRule({
    maxCost: L.maxCost,
    defaultPageSize: L.defaultPageSize,
    maxPageSize: L.maxPageSize,
    listEstimate: L.listEstimate,
    reject: (cost) => tooComplex(`query cost ${Math.round(cost)} exceeds the maximum ${L.maxCost}`, "cost", L.maxCost),
  });
  return [
    limitsFirst([...armorRules, repeatsRule, costRule]),
    ...armorPlugins,
    redactLiteralsPlugin(),
    connectionArgumentsPlugin(L.maxPageSize),
  ];
}
