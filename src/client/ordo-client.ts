// The typed GraphQL client every Ordo process uses to talk to the server (CLI, worker, SDK,
// tests): queries and mutations over HTTP, subscriptions over graphql-ws.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { resolveApiKey } from "./api-key.js";

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
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string; errors?: Array<{ path: string; message: string }> } }>;
}

export class OrdoClient {
  private ws: Client | null = null;

  /** the key sent with every request; read once, from ORDO_API_KEY or $ORDO_HOME/api-key unless given */
  readonly apiKey: string | null;

  constructor(
    readonly url: string = process.env.ORDO_API_URL ?? "http://127.0.0.1:4200/graphql",
    opts: { apiKey?: string | null } = {},
  ) {
    this.apiKey = opts.apiKey !== undefined ? opts.apiKey : resolveApiKey();
  }

  async request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const res = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await res.json()) as Response<R>;
    const first = body.errors?.[0];
    if (first) throw new OrdoApiError(first.message, first.extensions?.code, first.extensions?.field, first.extensions?.errors);
    if (!body.data) throw new OrdoApiError(`Empty response from ${this.url} (HTTP ${res.status})`, undefined, undefined);
    return body.data;
  }

  /** Events of a subscription, until the caller stops iterating. */
  subscribe<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): AsyncIterableIterator<R> {
    const source = this.socket().iterate<R>({ query: print(document), variables });
    return (async function* () {
      for await (const result of source) {
        const first = result.errors?.[0];
        if (first) throw new OrdoApiError(first.message, first.extensions?.code as string | undefined, first.extensions?.field as string | undefined);
        if (result.data) yield result.data;
      }
    })();
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }

  private socket(): Client {
    // Node 20 has no global WebSocket; `ws` is the standard implementation
    this.ws ??= createClient({
      url: this.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 5,
      connectionParams: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      // a refused key (4403) will not become valid by retrying
      shouldRetry: (e) => !(e && typeof e === "object" && "code" in e && (e as { code: number }).code === 4403),
    });
    return this.ws;
  }
}
