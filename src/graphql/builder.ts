// The Pothos schema builder: plugins and scalar/context typing only — no types are defined here.
import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { grants, type Scope } from "../auth/scopes.js";
import { forbidden } from "./scope-errors.js";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import type { GraphQLContext } from "./context.js";

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
  Connection: { totalCount: number | (() => number | Promise<number>) };
  AuthScopes: Record<Scope, boolean>;
}>({
  defaultFieldNullability: false,
  // scope-auth first, so its checks wrap the other plugins' resolvers
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  scopeAuth: {
    // a subscription is refused when it starts, not on its first event
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      read: grants(ctx.principal.scopes, "read"),
      run: grants(ctx.principal.scopes, "run"),
      worker: grants(ctx.principal.scopes, "worker"),
      write: grants(ctx.principal.scopes, "write"),
      admin: grants(ctx.principal.scopes, "admin"),
    }),
    unauthorizedError: (_parent, ctx, info, result) =>
      forbidden(`${info.parentType.name}.${info.fieldName}`, ctx.principal, result.failure),
  },
  prisma: {
    // the client is only used for type information here; resolvers read through ctx.db
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    // a resolver that forgets to spread `...query` fails loudly in development and tests
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "error",
    defaultConnectionSize: 50,
    maxConnectionSize: 200,
    filterConnectionTotalCount: true,
  },
  relay: {
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    clientMutationId: "omit",
    cursorType: "String",
  },
});

builder.globalConnectionField("totalCount", (t) =>
  t.int({
    description: "number of items matching the filter, across all pages",
    resolve: (parent) => (typeof parent.totalCount === "function" ? parent.totalCount() : parent.totalCount),
  }),
);
