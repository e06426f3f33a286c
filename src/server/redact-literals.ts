// Errors that quote a literal of the document: yoga answers validation errors without the error
// mask, and parse errors reach it already coded (GRAPHQL_PARSE_FAILED), which it passes through;
// so this plugin rewrites both in place. A validation error about a value
// ("Expected value of type "Int", found "s3cr3t"; …") names the argument path and the reason
// without the value, e.g. `Expected value of type "Int" at "first"; Int cannot represent
// non-integer value`, with extensions.field set to that path; an unknown input field or argument
// keeps its message (it quotes a name, not a value) and gets extensions.field too; a syntax error
// names the token's kind, not its text.
import { Kind, visit } from "graphql";
import type { ASTNode, DocumentNode, GraphQLError, ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { withoutSubmittedValue } from "../graphql/errors.js";

/**
 * Where each literal sits: "first", "input.state.type", "logs[2].level", "$f" (a variable's default);
 * also each argument and input object field, which unknown-name errors point at.
 */
function literalPaths(document: DocumentNode): Map<ASTNode, string> {
  const paths = new Map<ASTNode, string>();
  const walk = (value: ValueNode, path: string): void => {
    paths.set(value, path);
    if (value.kind === Kind.LIST) value.values.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (value.kind === Kind.OBJECT) {
      for (const f of value.fields) {
        paths.set(f, `${path}.${f.name.value}`);
        walk(f.value, `${path}.${f.name.value}`);
      }
    }
  };
  visit(document, {
    Argument: (node) => {
      paths.set(node, node.name.value);
      walk(node.value, node.name.value);
    },
    VariableDefinition: (node) => {
      if (node.defaultValue) walk(node.defaultValue, `$${node.variable.name.value}`);
    },
  });
  return paths;
}

/** The strings a literal could be echoed as: its scalar leaves of three characters or more. */
function leaves(value: ValueNode): string[] {
  if (value.kind === Kind.LIST) return value.values.flatMap(leaves);
  if (value.kind === Kind.OBJECT) return value.fields.flatMap((f) => leaves(f.value));
  return "value" in value && String(value.value).length >= 3 ? [String(value.value)] : [];
}

function rewrite(error: GraphQLError, paths: Map<ASTNode, string>): void {
  if ((error.extensions as Record<string, unknown>).field !== undefined) return; // rewritten already
  const node = error.nodes?.[0];
  const path = node && paths.get(node);
  if (!path) return;
  // "Field "x" is not defined by type …", "Unknown argument "x" on field …": names only
  if (node.kind === Kind.OBJECT_FIELD || node.kind === Kind.ARGUMENT) {
    (error.extensions as Record<string, unknown>).field = path;
    return;
  }
  const type = /^Expected value of type "([^"]+)", found /.exec(error.message)?.[1];
  // the rule either reports the scalar's own error, or wraps a thrown one as "…; <its message>"
  const raw = type ? error.originalError?.message : error.message;
  const reason = raw === undefined ? undefined : withoutSubmittedValue(raw);
  // a reason in a shape not known to quote nothing still might: better no reason than the value
  const safe = reason !== undefined && !leaves(node as ValueNode).some((v) => reason.includes(v)) ? reason : undefined;
  error.message = `${type ? `Expected value of type "${type}"` : "Invalid value"} at "${path}"${safe ? `; ${safe}` : ""}`;
  (error.extensions as Record<string, unknown>).field = path;
}

/** Rewrites in place: idempotent, because yoga's parse and validation caches hand the same errors back. */
export function redactLiteralsPlugin(): Plugin {
  return {
    onParse() {
      return ({ result }) => {
        if (result instanceof Error) result.message = withoutSubmittedValue(result.message);
      };
    },
    onValidate({ params }) {
      return ({ valid, result }) => {
        if (valid) return;
        const paths = literalPaths(params.documentAST);
        for (const error of result) rewrite(error, paths);
      };
    },
  };
}
