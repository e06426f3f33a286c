// The build-time half of access control: every Query, Mutation and Subscription field must declare
// `authScopes`, or building the schema fails — so nothing new ships unprotected.
import type { GraphQLSchema } from "graphql";

export function assertEveryOperationDeclaresScopes(schema: GraphQLSchema): GraphQLSchema {
  const missing: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const options = (field.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions;
      if (options?.authScopes === undefined) missing.push(`${root!.name}.${field.name}`);
    }
  }
  if (missing.length)
    throw new Error(`these operations declare no authScopes (see src/auth/scopes.ts): ${missing.join(", ")}`);
  return schema;
}
