// The worker's calls to the server: each with a timeout, an outage logged once (not once per
// call), and retry-until-done for the reports a run must not lose (its pid, its final state).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { OrdoApiError, type OrdoClient } from "../client/ordo-client.js";
import { isServiceUnavailable } from "../client/retry.js";
import { describeError, type WorkerLog } from "./log.js";
import { backoffMs, sleep, withTimeout } from "./timing.js";

/** Codes of answers about the request itself: retrying the same request cannot help. */
const PERMANENT_CODES = new Set([
  "BAD_USER_INPUT",
  "VALIDATION_FAILED",
  "NOT_FOUND",
  "CONFLICT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "GRAPHQL_VALIDATION_FAILED",
]);

/** Connection refused, a timeout, a proxy's HTML page, SERVICE_UNAVAILABLE, an internal error: worth retrying. */
export function isTransient(e: unknown): boolean {
  return !(e instanceof OrdoApiError && e.code !== undefined && PERMANENT_CODES.has(e.code));
}

export class WorkerApi {
  private downSince: number | null = null;

  constructor(
    private readonly client: OrdoClient,
    private readonly log: WorkerLog,
    private readonly timeoutMs = 30_000,
  ) {}

  get url(): string {
    return this.client.url;
  }

  /** the key this worker authenticates with: its jobs get it too (they may not share its files) */
  get apiKey(): string | null {
    return this.client.apiKey;
  }

  get reachable(): boolean {
    return this.downSince === null;
  }

  async call<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    try {
      const result = await withTimeout(this.client.request(document, variables), this.timeoutMs, this.client.url);
      this.up();
      return result;
    } catch (e) {
      // a coded answer still proves the server is there
      if (isTransient(e)) this.down(e);
      else this.up();
      throw e;
    }
  }

  /**
   * Retries `attempt` through outages (backoff 1 s … 10 s) until it succeeds, fails permanently,
   * or `giveUp()` says to stop (the worker is exiting); the last error is thrown then.
   */
  async untilDone<R>(attempt: () => Promise<R>, giveUp: () => boolean): Promise<R> {
    for (let failures = 1; ; failures++) {
      try {
        return await attempt();
      } catch (e) {
        if (!isTransient(e) || giveUp()) throw e;
        await sleep(backoffMs(failures, 1, 10));
      }
    }
  }

  private down(e: unknown): void {
    if (this.downSince !== null) return;
    this.downSince = Date.now();
    const what = isServiceUnavailable(e)
      ? `the server at ${this.client.url} cannot reach its database`
      : `server unreachable at ${this.client.url} (${describeError(e)})`;
    // claimed runs are kept: their reports are retried until the server answers again
    this.log.warn(`${what}; retrying with backoff`);
  }

  private up(): void {
    if (this.downSince === null) return;
    this.log.info(`server reachable again after ${Math.round((Date.now() - this.downSince) / 1000)}s`);
    this.downSince = null;
  }
}
