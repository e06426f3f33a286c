// Turns errors into what clients see: domain errors keep their code, field and validation list;
// GraphQL's own input errors get BAD_USER_INPUT; an outage gets SERVICE_UNAVAILABLE (HTTP 503,
// retry); anything else is masked as INTERNAL_SERVER_ERROR with an id the log line also carries.
import { randomUUID } from "node:crypto";
import { GraphQLError, type ASTNode } from "graphql";
import { OrdoError, ValidationFailedError } from "../domain/errors.js";

/** Logs a bug; `errorId` is what the client got in extensions.errorId, so a report finds the line. */
export type ErrorLogger = (error: unknown, errorId: string) => void;

export interface MaskOptions {
  /** whether an error means the database or Redis is unreachable right now (the server passes db/unavailable.ts) */
  isUnavailable?: (error: unknown) => boolean;
  /** told of each outage error (not a bug: the server logs them briefly) */
  logUnavailable?: (error: unknown) => void;
}

/**
 * What a client gets when the database or Redis is unreachable: retryable; over HTTP a 503 with
 * Retry-After (yoga reads extensions.http and strips it; graphql-ws would send it, so `http: false`).
 */
export function serviceUnavailableError(
  at: { nodes?: ReadonlyArray<ASTNode>; path?: ReadonlyArray<string | number> } = {},
  http = true,
): GraphQLError {
  return new GraphQLError("The Ordo server cannot reach its database right now; retry with backoff.", {
    nodes: at.nodes,
    path: at.path,
    extensions: {
      code: "SERVICE_UNAVAILABLE",
      ...(http ? { http: { status: 503, headers: { "retry-after": "1" } } } : {}),
    },
  });
}

/**
 * graphql-js, graphql-scalars and the parser quote the rejected value in their reasons ("Int cannot
 * represent non-integer value: "s3cr3t"", "Value "s3cr3t" does not exist in "StateType" enum.",
 * "Syntax Error: Unexpected String "s3cr3t"."): a secret sent in the wrong place would come back.
 * Each pattern keeps the reason and drops the value (and any suggestion after it).
 */
const VALUE_ECHOES: Array<[RegExp, string]> = [
  [
    /^(DateTime cannot represent (?:an invalid date-time-string|an invalid Unix timestamp|non string or Date type))[\s\S]*$/,
    "$1",
  ],
  [/^(\S+(?: "\w+")? cannot represent [^:]*?): [\s\S]*$/, "$1"],
  [/^Value [\s\S]* does not exist in ("\w+") enum\.[\s\S]*$/, "Value does not exist in $1 enum."],
  [/^(Syntax Error: [\s\S]*?(?:String|BlockString|Int|Float|Name)) "[\s\S]*$/, "$1."],
];

/** The reason without the value it quotes; unchanged when it quotes none (as far as known). */
export function withoutSubmittedValue(reason: string): string {
  for (const [pattern, replacement] of VALUE_ECHOES)
    if (pattern.test(reason)) return reason.replace(pattern, replacement);
  return reason;
}

/**
 * A rejected variable reads `Variable "$input" got invalid value { …, apiToken: "…" } at "input.x"; <reason>`:
 * the whole value is quoted, then the reason (the original error), which may quote it again.
 */
function withoutEchoedValue(error: GraphQLError): string {
  const m = /^(Variable "\$[^"]+" got invalid value) /.exec(error.message);
  if (!m?.[1]) return withoutSubmittedValue(error.message);
  const reason = error.originalError?.message;
  if (reason === undefined || !error.message.endsWith(`; ${reason}`)) return m[1];
  const at = / at "[^"]*"$/.exec(error.message.slice(0, -reason.length - 2))?.[0] ?? "";
  return `${m[1]}${at}; ${withoutSubmittedValue(reason)}`;
}

/**
 * graphql is loaded both as ESM (our code) and CommonJS (@graphql-tools' executor), so
 * `instanceof GraphQLError` fails across the two copies; recognize it by name instead.
 */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof Error && e.name === "GraphQLError";
}

export function createMaskError(logInternal: ErrorLogger, opts: MaskOptions = {}) {
  const unavailable = opts.isUnavailable ?? (() => false);
  /** an outage, or else a bug: logged under a fresh id that the client gets too */
  const unexpected = (
    cause: unknown,
    message: string,
    at: { nodes?: ReadonlyArray<ASTNode>; path?: ReadonlyArray<string | number> },
  ) => {
    if (unavailable(cause)) {
      opts.logUnavailable?.(cause);
      return serviceUnavailableError(at);
    }
    const errorId = randomUUID();
    logInternal(cause, errorId);
    return new GraphQLError(message, {
      nodes: at.nodes,
      path: at.path,
      extensions: { code: "INTERNAL_SERVER_ERROR", errorId },
    });
  };
  return (error: unknown, message: string): Error => {
    // not from execution: the context factory (authentication reads the database) or yoga itself
    if (!isGraphQLError(error)) return unexpected(error, message, {});
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
    // Pothos refuses connection arguments it cannot serve (after with last, before with first, a
    // cursor that does not decode): the client's mistake, not a bug
    if (original && original.name === "PothosValidationError") {
      const field = /\b(after|before|first|last)\b/.exec(original.message)?.[1];
      return new GraphQLError(original.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
      });
    }
    if (original && !isGraphQLError(original))
      return unexpected(original, message, { nodes: error.nodes, path: error.path });
    // graphql-js input coercion (bad scalar, missing field, @oneOf) comes without a code
    if (error.extensions.code === undefined) {
      const message = withoutEchoedValue(error);
      const field = /at "([^"]+)"/.exec(message)?.[1] ?? /Variable "\$([^"]+)"/.exec(message)?.[1];
      return new GraphQLError(message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { ...error.extensions, code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
      });
    }
    return error;
  };
}
