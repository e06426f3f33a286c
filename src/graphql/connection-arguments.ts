// Connection page sizes: first/last must be 0…200 (the contract: "first defaults to 50 and is
// capped at 200"), else BAD_USER_INPUT naming the argument. Checked once per operation, before
// execution, because a resolver wrapper cannot see them all: the Prisma plugin reads a nested
// connection's arguments while planning its parent's query, where Pothos would throw a plain
// error (masked as INTERNAL_SERVER_ERROR) for a negative one and silently clamp a large one.
// In this schema only connections take first/last, so every first/last argument is checked.
import { Kind } from "graphql";
import type {
  DocumentNode,
  FieldNode,
  GraphQLError,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { BadUserInputError } from "../domain/errors.js";

const PAGE_ARGUMENTS = new Set(["first", "last"]);

function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? operations.find((o) => o.name?.value === name) : operations.length === 1 ? operations[0] : undefined;
}

/** Fields of the operation, fragments followed once each. */
function* fieldsOf(document: DocumentNode, set: SelectionSetNode, seen = new Set<string>()): Generator<FieldNode> {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      yield selection;
      if (selection.selectionSet) yield* fieldsOf(document, selection.selectionSet, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* fieldsOf(document, selection.selectionSet, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) yield* fieldsOf(document, fragment.selectionSet, seen);
    }
  }
}

/** The first page argument out of range; values that are not integers are graphql-js's to reject. */
export function findBadPageSize(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  max: number,
): BadUserInputError | null {
  const operation = operationOf(document, operationName);
  if (!operation) return null;
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind !== Kind.VARIABLE) return null;
    const name = node.name.value;
    if (variables && name in variables) return variables[name];
    const definition = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
    return definition?.defaultValue ? valueOf(definition.defaultValue) : null;
  };
  for (const field of fieldsOf(document, operation.selectionSet)) {
    for (const arg of field.arguments ?? []) {
      if (!PAGE_ARGUMENTS.has(arg.name.value)) continue;
      const size = valueOf(arg.value);
      if (typeof size !== "number" || !Number.isInteger(size)) continue;
      const name = arg.name.value;
      if (size < 0) return new BadUserInputError(`${name} must not be negative`, name);
      if (size > max) return new BadUserInputError(`${name} must be at most ${max}, the largest page`, name);
    }
  }
  return null;
}

function asGraphQLError(e: BadUserInputError): GraphQLError {
  // yoga's GraphQLError (see server/query-limits.ts): graphql-ws checks for its own copy's class
  return createGraphQLError(e.message, { originalError: e, extensions: { code: e.code, field: e.field } });
}

/** Stops the operation (query, mutation or subscription) before any resolver runs. */
export function connectionArgumentsPlugin(max: number): Plugin {
  const check = ({
    args,
    setResultAndStopExecution,
  }: {
    args: { document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null };
    setResultAndStopExecution: (r: { errors: GraphQLError[] }) => void;
  }) => {
    const bad = findBadPageSize(args.document, args.operationName, args.variableValues, max);
    if (bad) setResultAndStopExecution({ errors: [asGraphQLError(bad)] });
  };
  return { onExecute: check, onSubscribe: check } as Plugin;
}
