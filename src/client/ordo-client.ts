// The typed GraphQL client every Ordo process uses to talk to the server (CLI, worker, SDK,
// tests): queries and mutations over HTTP, subscriptions over graphql-ws.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
// the two graphql-js modules a client needs, not its index (which loads all of graphql-js: ~0.1 s of
// CPU per command); graphql-ws and ws are loaded by the first subscription
import { print } from "graphql/language/printer.js";
import { getOperationAST } from "graphql/utilities/getOperationAST.js";
import type { Client } from "graphql-ws";
import { resolveApiKey } from "./api-key.js";
import { backoffWithJitterMs, isBrokenConnection, isServiceUnavailable } from "./retry.js";

/** A GraphQL error answered by the server, with its code and the field it names. */
export class OrdoApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly field: string | undefined,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = "OrdoApiError";
  }
}

interface Response<T> {
  data?: T | null;
  errors?: Array<{
    message: string;
    extensions?: { code?: string; field?: string; errors?: Array<{ path: string; message: string }> };
  }>;
}

/** The GraphQL response; a proxy's or load balancer's page instead (502, 503 without JSON) becomes an OrdoApiError. */
async function readBody<R>(res: globalThis.Response, url: string): Promise<Response<R>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Response<R>;
  } catch {
    const code = res.status === 503 ? "SERVICE_UNAVAILABLE" : undefined;
    throw new OrdoApiError(`HTTP ${res.status} from ${url} without a GraphQL response`, code, undefined);
  }
}

export class OrdoClient {
  private ws: Promise<Client> | null = null;

  /** the key sent with every request; read once, from ORDO_API_KEY or $ORDO_HOME/api-key unless given */
  readonly apiKey: string | null;
  private readonly retryForMs: number;

  /**
   * `retryForMs`: how long request() itself retries an outage (SERVICE_UNAVAILABLE; for queries
   * also a broken connection) with backoff and jitter before throwing the last error; 0 (default)
   * for callers with retry loops of their own (worker, executor). A server that is not there at
   * all (connection refused) is never waited for here.
   */
  constructor(
    readonly url: string = process.env.ORDO_API_URL ?? "http://127.0.0.1:4200/graphql",
    opts: { apiKey?: string | null; retryForMs?: number } = {},
  ) {
    this.apiKey = opts.apiKey !== undefined ? opts.apiKey : resolveApiKey();
    this.retryForMs = opts.retryForMs ?? 0;
  }

  async request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const deadline = Date.now() + this.retryForMs;
    // a mutation whose connection broke may have been applied: only its SERVICE_UNAVAILABLE (nothing written) is retried
    const query = getOperationAST(document)?.operation === "query";
    for (let failures = 1; ; failures++) {
      try {
        return await this.requestOnce(document, variables);
      } catch (e) {
        const retryable = isServiceUnavailable(e) || (query && isBrokenConnection(e));
        const wait = backoffWithJitterMs(failures, 500, 8000);
        if (!retryable || Date.now() + wait > deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async requestOnce<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables: V,
  ): Promise<R> {
    const res = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = await readBody<R>(res, this.url);
    const first = body.errors?.[0];
    if (first)
      throw new OrdoApiError(first.message, first.extensions?.code, first.extensions?.field, first.extensions?.errors);
    if (!body.data)
      throw new OrdoApiError(`Empty response from ${this.url} (HTTP ${res.status})`, undefined, undefined);
    return body.data;
  }

  /**
   * Events of a subscription, until the caller stops iterating. `onListening` is called when the
   * server says the subscription is listening (its "subscribed" mark; again after a reconnect):
   * every event from then on is delivered, so state read after it misses nothing.
   */
  subscribe<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    opts: { onListening?: () => void } = {},
  ): AsyncGenerator<R, void, undefined> {
    // connected on the first read, so an iterator never read leaves no promise behind
    const socket = () => this.socket();
    const extensions = opts.onListening ? { announceSubscribed: true } : undefined;
    return (async function* () {
      const source = (await socket()).iterate<R, { subscribed?: unknown }>({
        query: print(document),
        variables,
        extensions,
      });
      for await (const result of source) {
        const first = result.errors?.[0];
        if (first)
          throw new OrdoApiError(
            first.message,
            first.extensions?.code as string | undefined,
            first.extensions?.field as string | undefined,
          );
        if (result.data) yield result.data;
        else if (result.extensions?.subscribed === true) opts.onListening?.();
      }
    })();
  }

  /**
   * A subscription that is listening when this resolves (the server's "subscribed" mark): events
   * are read from the returned iterator. Rejects when the subscription fails before listening.
   */
  async listen<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables: V,
  ): Promise<AsyncIterableIterator<R>> {
    let marked!: () => void;
    const ready = new Promise<void>((resolve) => {
      marked = resolve;
    });
    const events = this.subscribe(document, variables, { onListening: () => marked() });
    // the generator runs only when read: its first read starts it, and is handed back below
    const first = events.next();
    // a subscription that ends or fails before its mark answers that at once
    await Promise.race([ready, first]);
    let pending: typeof first | null = first;
    const listening: AsyncIterableIterator<R> = {
      [Symbol.asyncIterator]: () => listening,
      next: () => {
        const answer = pending ?? events.next();
        pending = null;
        return answer;
      },
      return: () => events.return(),
      throw: (error?: unknown) => events.throw(error),
    };
    return listening;
  }

  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = null;
    await (await ws)?.dispose();
  }

  private socket(): Promise<Client> {
    this.ws ??= this.connect();
    return this.ws;
  }

  private async connect(): Promise<Client> {
    const [{ createClient }, { default: WebSocket }] = await Promise.all([import("graphql-ws"), import("ws")]);
    // Node 20 has no global WebSocket; `ws` is the standard implementation
    return createClient({
      url: this.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 5,
      connectionParams: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      // a refused key (4403) will not become valid by retrying
      shouldRetry: (e) => !(e && typeof e === "object" && "code" in e && (e as { code: number }).code === 4403),
    });
  }
}
