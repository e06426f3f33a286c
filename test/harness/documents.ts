// What the test clients (TestApp, LiveServer) accept as an operation: a typed document —
// graphql(`…`) from ./generated/graphql.ts, made by codegen from the tests' own inline documents —
// or, for a document only known at run time (built in a loop, deliberately invalid), its text.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

export { graphql } from "./generated/graphql.js";

export type Variables = Record<string, unknown>;

/** An operation that throws when the response has errors, typed by its document. */
export interface GraphQLClient {
  ok<R, V extends Variables>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R>;
  ok<T = any>(query: string, variables?: Variables): Promise<T>;
}

const printed = new WeakMap<object, string>();

/** The text sent for an operation. */
export function operationText(operation: TypedDocumentNode<unknown, any> | string): string {
  if (typeof operation === "string") return operation;
  let text = printed.get(operation);
  if (text === undefined) {
    text = print(operation);
    printed.set(operation, text);
  }
  return text;
}
