// graphql-ws on the same port and path as HTTP, running through yoga's envelop chain so
// WebSocket operations get the same context, plugins and error masking. The upgrade is refused
// for a foreign Origin; connection_init must carry { authorization: "Bearer <key>" } (else 4403;
// 1013 "try again later", which clients retry, when the database cannot check the key). A
// subscriber may ask to be told when its stream is listening (subscribed-mark.ts).
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { type ExecutionResult, GraphQLError } from "graphql";
import type { WebSocket } from "ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { isAllowedOrigin, isLoopbackHostHeader } from "../auth/origins.js";
import { isUnavailable } from "../db/unavailable.js";
import { serviceUnavailableError } from "../graphql/errors.js";
import type { Principal } from "../auth/principal.js";
import type { EventBus } from "../events/event-bus.js";
import type { Authenticate } from "./authenticate.js";
import type { Logger } from "./logger.js";
import { wantsSubscribedMark, withSubscribedMark } from "./subscribed-mark.js";
import type { OrdoYoga } from "./yoga.js";

interface Extra {
  principal?: Principal;
  authorization?: string | null;
}

export interface GraphQLWsOptions {
  authenticate: Authenticate;
  corsOrigins: readonly string[];
  /** ORDO_AUTH=off: only loopback Host names may open a socket (DNS rebinding) */
  loopbackHostsOnly: boolean;
  events: EventBus;
  /** a bug met checking a subscription's key is logged under the id its client gets, as over HTTP */
  logger: Logger;
}

export function attachGraphQLWs(
  httpServer: Server,
  yoga: OrdoYoga,
  opts: GraphQLWsOptions,
): { dispose(): Promise<void> } {
  const wss = new WebSocketServer({
    server: httpServer,
    path: yoga.graphqlEndpoint,
    verifyClient: ({ origin, req }: { origin?: string; req: { headers: { host?: string } } }) =>
      (!opts.loopbackHostsOnly || isLoopbackHostHeader(req.headers.host)) &&
      isAllowedOrigin(origin, req.headers.host, opts.corsOrigins),
  });
  // open sockets per key, so a revocation closes them (4403, like a bad key at connection_init)
  const socketsByKey = new Map<string, Set<WebSocket>>();
  const revocations = opts.events.subscribe("api-key.revoked");
  void (async () => {
    for await (const { keyId } of revocations) {
      for (const socket of socketsByKey.get(keyId) ?? []) socket.close(4403, "API key revoked");
    }
  })();

  const disposable = useServer(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onConnect: async (ctx) => {
        const extra = ctx.extra as typeof ctx.extra & Extra;
        const raw = ctx.connectionParams?.authorization;
        extra.authorization = typeof raw === "string" ? raw : null;
        try {
          extra.principal = await opts.authenticate(extra.authorization);
        } catch (e) {
          // graphql-ws then closes with 4403 Forbidden, which clients do not retry; ours comes first
          if (isUnavailable(e)) ctx.extra.socket.close(1013, "the server's database is unavailable; try again later");
          return false;
        }
        const keyId = extra.principal.keyId;
        if (keyId) {
          const set = socketsByKey.get(keyId) ?? new Set();
          set.add(ctx.extra.socket);
          socketsByKey.set(keyId, set);
          ctx.extra.socket.once("close", () => set.delete(ctx.extra.socket));
        }
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const extra = ctx.extra as typeof ctx.extra & Extra;
        // checked again per operation: the key may have expired since connection_init
        let principal: Principal;
        try {
          principal = await opts.authenticate(extra.authorization);
        } catch (e) {
          // sent as they are: only GraphQL errors may reach the client
          if (e instanceof Error && e.name === "GraphQLError") return [e as GraphQLError];
          if (isUnavailable(e)) return [serviceUnavailableError({}, false)];
          const errorId = randomUUID();
          opts.logger.error(`internal error ${errorId} checking a subscription's API key`, e);
          return [new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR", errorId } })];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          principal,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (e) {
          // a syntax error or a document over the token limit: an error message, not a 4500 close
          if (e instanceof Error && e.name === "GraphQLError") return [e as GraphQLError];
          throw e;
        }
        const args = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
      onOperation: (_ctx, _id, payload, _args, result) => {
        if (wantsSubscribedMark(payload.extensions) && Symbol.asyncIterator in result)
          return withSubscribedMark(result as AsyncIterable<ExecutionResult>, () => opts.events.listening());
      },
    },
    wss,
  );
  return {
    async dispose() {
      await revocations.return?.();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
