// The audit trail: one info line per mutation with the key's name, the operation and its outcome.
// Variables are never logged (they carry parameters and secrets).
import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import { isUnavailable } from "../db/unavailable.js";
import type { GraphQLContext } from "../graphql/context.js";
import type { Logger } from "./logger.js";

export function auditLog(logger: Logger): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation !== "mutation") return;
      const fields = op.selectionSet.selections.map((s) => (s.kind === "Field" ? s.name.value : s.kind)).join(",");
      const who = (args.contextValue as GraphQLContext).principal?.name ?? "(none)";
      const name = op.name?.value ?? "(anonymous)";
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return; // mutations are never streamed
          // errors are not masked yet here: a domain error's code is on its original error
          const code = (e: { extensions?: Record<string, unknown>; originalError?: unknown }) =>
            isUnavailable(e.originalError)
              ? "SERVICE_UNAVAILABLE"
              : String(
                  e.extensions?.code ??
                    (e.originalError as { code?: unknown } | undefined)?.code ??
                    "INTERNAL_SERVER_ERROR",
                );
          const codes = [...new Set((result.errors ?? []).map(code))];
          const outcome = codes.length ? `failed ${codes.join(",")}` : "ok";
          logger.info(`audit: key "${who}" ran mutation ${name} (${fields}): ${outcome}`);
        },
      };
    },
  };
}
