// The Pothos schema builder: plugins and scalar/context typing only — no types are defined here.
import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
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
}>({
  defaultFieldNullability: false,
  plugins: [PrismaPlugin, RelayPlugin],
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
