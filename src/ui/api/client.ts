// The GraphQL client: queries and mutations over HTTP to /graphql, subscriptions over graphql-ws on
// the same path, both carrying the signed-in key. urql's document cache refetches a list when a
// mutation returns a type it shows.
import { createClient as createWsClient } from "graphql-ws";
import { cacheExchange, Client, fetchExchange, subscriptionExchange } from "urql";
import { bearer } from "./session";

export function createApiClient(key: string | null): { client: Client; close(): void } {
  const authorization = bearer(key);
  const ws = createWsClient({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
    retryAttempts: Infinity,
    // reconnect with a back-off (1 s … 30 s) when the server restarts
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** retries))),
    shouldRetry: () => true,
  });
  const client = new Client({
    url: "/graphql",
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
    // the CSRF header marks a request no plain HTML form could send
    fetchOptions: () => ({
      credentials: "omit",
      headers: { "x-ordo-csrf": "1", ...(authorization ? { authorization } : {}) },
    }),
    requestPolicy: "cache-and-network",
  });
  return { client, close: () => void ws.dispose() };
}
