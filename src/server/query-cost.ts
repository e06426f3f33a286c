// The cost limit, as a validation rule: estimates how many values an operation can return before it
// runs, so one request cannot ask for millions of rows however it nests or repeats its lists.
// Type-only graphql imports (Kind is a plain string enum): the schema may come from another copy of
// graphql than this module's (Pothos's, under vitest), where isListType & co. throw "another realm".
import { GraphQLError, Kind } from "graphql";
import type {
  ASTVisitor,
  FieldNode,
  GraphQLField,
  GraphQLNamedType,
  GraphQLOutputType,
  SelectionSetNode,
  ValidationContext,
} from "graphql";

export interface CostOptions {
  maxCost: number;
  /** what a connection without first/last returns (the builder's defaultConnectionSize) */
  defaultPageSize: number;
  /** the most a connection returns; also what a variable first/last counts as, its value unknown yet */
  maxPageSize: number;
  /** items assumed in a plain list without first/last (pools, queues, states, schedules …) */
  listEstimate: number;
  /** builds the error to report; the rule itself does not choose messages or codes */
  reject: (cost: number, max: number) => GraphQLError;
}

type Fields = Record<string, GraphQLField<unknown, unknown>>;

/** Named type and whether any wrapper is a list; by toStringTag, which works across graphql copies. */
function unwrap(type: GraphQLOutputType): { named: GraphQLNamedType; list: boolean } {
  let t: any = type;
  let list = false;
  while ("ofType" in t) {
    if (Object.prototype.toString.call(t) === "[object GraphQLList]") list = true;
    t = t.ofType;
  }
  return { named: t, list };
}

function fieldsOf(type: GraphQLNamedType | undefined): Fields | undefined {
  return type && "getFields" in type && typeof type.getFields === "function" ? (type.getFields() as Fields) : undefined;
}

/** A Relay connection type: its edges list is the page that the connection field already counted. */
function isConnection(fields: Fields | undefined): boolean {
  return !!fields && "edges" in fields && "pageInfo" in fields;
}

export function costLimitRule(opts: CostOptions) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragmentCosts = new Map<string, number>();
    const visiting = new Set<string>(); // fragment cycles are NoFragmentCyclesRule's to report

    /** first, else last: a literal is clamped to the maximum (a larger one is refused before execution anyway). */
    const pageSize = (node: FieldNode, def: GraphQLField<unknown, unknown>): number | null => {
      if (!def.args.some((a) => a.name === "first" || a.name === "last")) return null;
      const arg =
        node.arguments?.find((a) => a.name.value === "first") ?? node.arguments?.find((a) => a.name.value === "last");
      if (!arg || arg.value.kind === Kind.NULL) return opts.defaultPageSize;
      if (arg.value.kind === Kind.INT) return Math.min(Math.max(Number(arg.value.value), 0), opts.maxPageSize);
      return opts.maxPageSize;
    };

    const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
      if (!node.selectionSet) return 1;
      // introspection is bounded by the schema, and GraphiQL's own query nests deeper than any limit
      if (node.name.value === "__schema" || node.name.value === "__type") return 1;
      const fields = fieldsOf(parent);
      const def = fields?.[node.name.value];
      if (!def) return 1 + selectionCost(node.selectionSet, undefined); // unknown: validation reports it
      const { named, list } = unwrap(def.type);
      const size = pageSize(node, def) ?? (list && !isConnection(fields) ? opts.listEstimate : 1);
      return 1 + size * selectionCost(node.selectionSet, named);
    };

    const fragmentCost = (name: string): number => {
      const known = fragmentCosts.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      if (!fragment || visiting.has(name)) return 0;
      visiting.add(name);
      const cost = selectionCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined);
      visiting.delete(name);
      fragmentCosts.set(name, cost); // memoized: fragments spread in fragments stay linear to compute
      return cost;
    };

    const selectionCost = (set: SelectionSetNode, type: GraphQLNamedType | undefined): number => {
      let total = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) total += fieldCost(selection, type);
        else if (selection.kind === Kind.FRAGMENT_SPREAD) total += fragmentCost(selection.name.value);
        else {
          const condition = selection.typeCondition
            ? (schema.getType(selection.typeCondition.name.value) ?? undefined)
            : type;
          total += selectionCost(selection.selectionSet, condition);
        }
      }
      return total;
    };

    return {
      OperationDefinition(node) {
        const root = schema.getRootType(node.operation) ?? undefined;
        const cost = selectionCost(node.selectionSet, root);
        if (cost > opts.maxCost) context.reportError(opts.reject(cost, opts.maxCost));
        return false; // the operation was walked here; fragments are reached through their spreads
      },
    };
  };
}
