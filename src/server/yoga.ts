// The HTTP GraphQL endpoint: yoga with GraphiQL, SSE subscriptions, and error masking.
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { createMaskError } from "../graphql/errors.js";
import type { GraphQLContext } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import type { Logger } from "./logger.js";

export type OrdoYoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function createOrdoYoga(opts: { graphiql: boolean; context: () => GraphQLContext; logger: Logger }): OrdoYoga {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: opts.graphiql ? { title: "Ordo", subscriptionsProtocol: "WS" } : false,
    landingPage: false,
    logging: false,
    // a fresh object per operation: Pothos caches per context identity
    context: () => opts.context(),
    maskedErrors: { maskError: createMaskError((e) => opts.logger.error("internal error in a GraphQL operation", e)) },
  });
}
