// The repeat limit, as a validation rule: how many fields answer to one response name in one
// selection set, fragments included. graphql-js compares every such pair for mergeability, so
// 1,240 copies of `workPools { name }` (under 5,000 tokens) cost it ~0.4 s before its own budget
// gives up; a handful of repeats (the same field in a few fragments) is all a real query has.
// Only AST walking here: no graphql runtime helpers, which may belong to another copy of graphql.
import { Kind } from "graphql";
import type { ASTVisitor, GraphQLError, SelectionSetNode, ValidationContext } from "graphql";

export interface RepeatOptions {
  max: number;
  reject: (responseName: string, count: number, max: number) => GraphQLError;
}

type Counts = Map<string, number>;

function add(into: Counts, key: string, n: number): void {
  into.set(key, (into.get(key) ?? 0) + n);
}

export function fieldRepeatsRule(opts: RepeatOptions) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentCounts = new Map<string, Counts>();
    const visiting = new Set<string>(); // fragment cycles are NoFragmentCyclesRule's to report
    let reported = false;

    /** Response names of a fragment's fields, its own spreads merged in; memoized, so linear overall. */
    const countsOf = (name: string): Counts => {
      const known = fragmentCounts.get(name);
      if (known) return known;
      const fragment = context.getFragment(name);
      if (!fragment || visiting.has(name)) return new Map();
      visiting.add(name);
      const counts = collect(fragment.selectionSet, new Map(), new Set([name]));
      visiting.delete(name);
      fragmentCounts.set(name, counts);
      return counts;
    };

    /** graphql-js merges inline fragments and each distinct spread into the set they appear in. */
    const collect = (set: SelectionSetNode, into: Counts, spread: Set<string>): Counts => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) add(into, selection.alias?.value ?? selection.name.value, 1);
        else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, into, spread);
        else if (!spread.has(selection.name.value)) {
          spread.add(selection.name.value);
          for (const [key, n] of countsOf(selection.name.value)) add(into, key, n);
        }
      }
      return into;
    };

    return {
      SelectionSet(node) {
        if (reported) return;
        for (const [key, n] of collect(node, new Map(), new Set())) {
          if (n > opts.max) {
            context.reportError(opts.reject(key, n, opts.max));
            reported = true; // one error says enough
            return;
          }
        }
      },
    };
  };
}
