// The HTTP GraphQL endpoint: yoga with GraphiQL, SSE subscriptions, error masking, and the
// request-level protections (origin, body type, CSRF, CORS) in front of authentication.
import { createYoga, type Plugin, type YogaInitialContext, type YogaServerInstance } from "graphql-yoga";
import type { Principal } from "../auth/principal.js";
import { isUnavailable } from "../db/unavailable.js";
import { createMaskError } from "../graphql/errors.js";
import type { GraphQLContext } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import type { Logger } from "./logger.js";
import { outageLog } from "./outage-log.js";
import { boundedParserCache, queryLimitPlugins } from "./query-limits.js";
import { requestGuards } from "./request-guards.js";

/** What the transports hand the context factory: graphql-ws adds the principal it authenticated at connection_init. */
export type OrdoInitialContext = Partial<YogaInitialContext> & { principal?: Principal };
export type OrdoYoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export interface OrdoYogaOptions {
  graphiql: boolean;
  context: (initial: OrdoInitialContext) => Promise<GraphQLContext>;
  logger: Logger;
  corsOrigins: readonly string[];
  /** ORDO_AUTH=off: only loopback Host names are answered */
  loopbackHostsOnly: boolean;
  plugins: Plugin<GraphQLContext>[];
  /** field suggestions in validation errors (ORDO_GRAPHQL_DEV) */
  graphqlDev: boolean;
}

export function createOrdoYoga(opts: OrdoYogaOptions): OrdoYoga {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    // the key goes in the header editor and is sent as a header, never as a cookie; SSE carries
    // those headers to subscriptions (a WebSocket from GraphiQL would have no key)
    graphiql: opts.graphiql
      ? {
          title: "Ordo",
          subscriptionsProtocol: "SSE",
          credentials: "omit",
          headers: JSON.stringify({ Authorization: "Bearer <paste an API key: cat ~/.ordo/api-key>" }, null, 2),
        }
      : false,
    // GraphiQL's scripts and styles inlined in the page (not from a CDN, which this server's users
    // may not reach); the 9 MB bundle loads on the first GraphiQL request, not at start
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    landingPage: false,
    logging: false,
    // no CORS headers at all unless origins are listed, and then only those, without credentials
    // (exact match: an unlisted origin gets no CORS header rather than the list's first entry)
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !opts.corsOrigins.includes(origin)) return false;
      return {
        origin: [origin],
        credentials: false,
        allowedHeaders: ["authorization", "content-type", "accept"],
        methods: ["GET", "POST"],
      };
    },
    plugins: [
      ...requestGuards(opts.corsOrigins, opts.loopbackHostsOnly),
      ...opts.plugins,
      ...queryLimitPlugins({ dev: opts.graphqlDev }),
    ] as Plugin[],
    parserAndValidationCache: boundedParserCache(),
    // a fresh object per operation: Pothos caches per context identity
    context: (initial) => opts.context(initial as OrdoInitialContext),
    maskedErrors: {
      maskError: createMaskError(
        (e, errorId) => opts.logger.error(`internal error ${errorId} in a GraphQL operation`, e),
        {
          isUnavailable,
          logUnavailable: outageLog(opts.logger, "operation(s) answered SERVICE_UNAVAILABLE"),
        },
      ),
    },
  });
}
