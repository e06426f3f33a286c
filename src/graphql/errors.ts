// Turns errors into what clients see: domain errors keep their code, field and validation list;
// GraphQL's own input errors get BAD_USER_INPUT; anything else is masked (no stack, no SQL).
import { BREAK, GraphQLError, parse, visit, type ASTNode } from "graphql";
import { OrdoError, ValidationFailedError } from "../domain/errors.js";

export type ErrorLogger = (error: unknown) => void;

/**
 * graphql is loaded both as ESM (our code) and CommonJS (@graphql-tools' executor), so
 * `instanceof GraphQLError` fails across the two copies; recognize it by name instead.
 */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof Error && e.name === "GraphQLError";
}

export function createMaskError(logInternal: ErrorLogger) {
  return (error: unknown, message: string): Error => {
    if (!isGraphQLError(error)) {
      logInternal(error);
      return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
    }
    const original = error.originalError;
    if (original instanceof OrdoError) {
      return new GraphQLError(original.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: {
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
          ...(original instanceof ValidationFailedError ? { errors: original.errors } : {}),
        },
      });
    }
    if (original && !isGraphQLError(original)) {
      logInternal(original);
      return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions: { code: "INTERNAL_SERVER_ERROR" } });
    }
    // An argument literal that does not fit its input type is reported by graphql-js as a validation
    // error; it is the same malformed argument as when the value comes through variables.
    if (error.extensions.code === "GRAPHQL_VALIDATION_FAILED" && LITERAL_VALUE_ERROR.test(error.message)) {
      const field = literalField(error);
      return new GraphQLError(error.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { ...error.extensions, code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
      });
    }
    // graphql-js input coercion (bad scalar, missing field, @oneOf) comes without a code
    if (error.extensions.code === undefined) {
      const field = /at "([^"]+)"/.exec(error.message)?.[1] ?? /Variable "\$([^"]+)"/.exec(error.message)?.[1];
      return new GraphQLError(error.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { ...error.extensions, code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
      });
    }
    return error;
  };
}

/** The messages of graphql-js's ValuesOfCorrectTypeRule (graphql 16): a literal value of the wrong shape. */
const LITERAL_VALUE_ERROR =
  /^(Expected value of type "|Field "[^"]+" of required type "[^"]+" was not provided\.|Field "[^"]+" is not defined by type "|OneOf Input Object "|Field "[^"]+" must be non-null\.)/;

/** "input.schedules[0].schedule": where in an argument literal the error's node sits, as variables name it. */
function literalField(error: GraphQLError): string | undefined {
  const target = error.nodes?.[0];
  const loc = target?.loc;
  if (!target || !loc) return undefined;
  let field: string | undefined;
  try {
    visit(parse(loc.source), {
      enter(node, _key, _parent, _path, ancestors) {
        if (node.kind !== target.kind || node.loc?.start !== loc.start) return undefined;
        const chain: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>> = [...ancestors, node];
        let parts: string[] | undefined;
        chain.forEach((item, i) => {
          if (Array.isArray(item)) {
            const owner = chain[i - 1];
            if (parts && owner && !Array.isArray(owner) && (owner as ASTNode).kind === "ListValue") {
              parts.push(`[${item.indexOf(chain[i + 1] as ASTNode)}]`);
            }
          } else if ((item as ASTNode).kind === "Argument") {
            parts = [(item as { name: { value: string } }).name.value];
          } else if (parts && (item as ASTNode).kind === "ObjectField") {
            parts.push(`.${(item as { name: { value: string } }).name.value}`);
          }
        });
        field = parts?.join("");
        return BREAK;
      },
    });
  } catch {
    return undefined;
  }
  return field;
}
