// The GraphQL client: queries and mutations over HTTP to /graphql, subscriptions over graphql-ws on
// the same path, both carrying the signed-in key. urql's document cache refetches a list when a
// mutation returns a type it shows. Subscriptions can ask to be told when they are listening.
import { createClient as createWsClient } from "graphql-ws";
import { cacheExchange, Client, fetchExchange, subscriptionExchange } from "urql";
import { bearer } from "./session";

/**
 * A subscription's context may carry `onListening`: called each time the server says the
 * subscription is listening (first, and after every reconnect). State read from then on misses no
 * change: a page re-reads what it shows there, since changes made while the subscription was being
 * set up (or the socket was down) come as no event.
 */
export interface ListeningContext {
  onListening?: () => void;
}

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
        forwardSubscription: (request, operation) => ({
          subscribe: (sink) => {
            const onListening = (operation.context as ListeningContext).onListening;
            // asked for, the server's "subscribed" mark is told to the page, not passed on as a result
            const extensions = onListening ? { ...request.extensions, announceSubscribed: true } : request.extensions;
            const unsubscribe = ws.subscribe<Record<string, unknown>, { subscribed?: unknown }>(
              { ...request, query: request.query ?? "", extensions },
              {
                next: (result) => {
                  if (onListening && !result.data && !result.errors && result.extensions?.subscribed === true)
                    onListening();
                  else sink.next(result);
                },
                error: (e) => sink.error(e),
                complete: () => sink.complete(),
              },
            );
            return { unsubscribe };
          },
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
