// Where the CLI finds the server (ORDO_API_URL) and the one client a command uses.
import { OrdoClient } from "../../client/ordo-client.js";

export const DEFAULT_API_URL = "http://127.0.0.1:4200/graphql";

/** How long a command waits out the server's database being unavailable before giving up (bounded: a person is waiting). */
export const OUTAGE_RETRY_MS = 30_000;

export function apiUrl(): string {
  return process.env.ORDO_API_URL || DEFAULT_API_URL;
}

/**
 * Runs `fn` with a client and closes its subscription socket afterwards, so a finished command
 * is not kept alive by an idle WebSocket.
 */
export async function withClient<T>(fn: (client: OrdoClient) => Promise<T>): Promise<T> {
  const client = new OrdoClient(apiUrl(), { retryForMs: OUTAGE_RETRY_MS });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
