// Turns errors into what clients see: domain errors keep their code, field and validation list;
// GraphQL's own input errors get BAD_USER_INPUT; anything else is masked (no stack, no SQL).
import { GraphQLError } from "graphql";
import { OrdoError, ValidationFailedError } from "../domain/errors.js";

export type ErrorLogger = (error: unknown) => void;

/**
 * graphql-js quotes a whole rejected variable ("got invalid value { …, apiToken: "…" }; …"), which
 * would echo secrets back; the message keeps the path and the reason, not the value.
 */
function withoutEchoedValue(message: string): string {
  const m = /^(Variable "\$[^"]+" got invalid value) [\s\S]*?((?: at "[^"]*")?; [^;]*)$/.exec(message);
  return m ? `${m[1]}${m[2]}` : message;
}

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
    // graphql-js input coercion (bad scalar, missing field, @oneOf) comes without a code
    if (error.extensions.code === undefined) {
      const field = /at "([^"]+)"/.exec(error.message)?.[1] ?? /Variable "\$([^"]+)"/.exec(error.message)?.[1];
      return new GraphQLError(withoutEchoedValue(error.message), {
        nodes: error.nodes,
        path: error.path,
        extensions: { ...error.extensions, code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
      });
    }
    return error;
  };
}
