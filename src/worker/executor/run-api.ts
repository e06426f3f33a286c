// The executor's calls to the server: each with a timeout, transient failures retried with
// backoff and jitter — outages (SERVICE_UNAVAILABLE, no server, no answer) for as long as they last,
// so a database outage never costs a run — and state proposals made idempotent by a transition id
// so a retried one never applies twice.
import { randomUUID } from "node:crypto";
import {
  ExecutorBlockDocumentDocument,
  ExecutorCreateLogsDocument,
  ExecutorFlowRunDocument,
  ExecutorHeartbeatDocument,
  ExecutorProposeStateDocument,
  type ExecutorFlowRunQuery,
  type ExecutorProposeStateMutation,
  type LogInput,
  type StateInput,
  type StateType,
} from "../../client/generated/graphql.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { OrdoClient } from "../../client/ordo-client.js";
import { isOutage } from "../../client/retry.js";
import { isTransient } from "../api.js";
import { backoffMs, sleep, withTimeout } from "../timing.js";

export type ExecutorRun = NonNullable<ExecutorFlowRunQuery["flowRun"]>;
export type Orchestration = ExecutorProposeStateMutation["setFlowRunState"];

export interface ExecutorApiOptions {
  /** per call */
  timeoutMs?: number;
  /** how long other transient failures (INTERNAL_SERVER_ERROR…, maybe a bug) are retried before giving up on a call */
  retryForMs?: number;
  /** how long outages are retried; default: until they end (the worker kills an executor it no longer wants) */
  outageRetryForMs?: number;
}

export class ExecutorApi {
  private readonly timeoutMs: number;
  private readonly retryForMs: number;
  private readonly outageRetryForMs: number;

  constructor(
    private readonly client: OrdoClient,
    options: ExecutorApiOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryForMs = options.retryForMs ?? 120_000;
    this.outageRetryForMs = options.outageRetryForMs ?? Infinity;
  }

  get url(): string {
    return this.client.url;
  }

  async flowRun(id: string): Promise<ExecutorRun | null> {
    return (await this.retrying(ExecutorFlowRunDocument, { id })).flowRun;
  }

  async blockDocument(ref: { id?: string; slug?: string }) {
    return (await this.retrying(ExecutorBlockDocumentDocument, ref)).blockDocument;
  }

  /**
   * Proposes a state. A proposal that reached the server but whose answer was lost is retried
   * with the same transition id: the server then answers REJECT with the state already written,
   * which counts as accepted here.
   */
  async propose(flowRunId: string, state: Omit<StateInput, "details">): Promise<Orchestration> {
    const transitionId = randomUUID();
    const r = (
      await this.retrying(ExecutorProposeStateDocument, {
        input: { flowRunId, state: { ...state, details: { transitionId } } },
      })
    ).setFlowRunState;
    const written = r.state?.details as { transitionId?: string } | undefined;
    if (r.status === "REJECT" && written?.transitionId === transitionId) return { ...r, status: "ACCEPT" };
    return r;
  }

  /** One call, no retry: a missed beat is made up by the next. Returns the run's state type. */
  async heartbeat(flowRunId: string): Promise<StateType> {
    return (await withTimeout(this.client.request(ExecutorHeartbeatDocument, { flowRunId }), this.timeoutMs, this.url))
      .flowRunHeartbeat.stateType;
  }

  /** One call, no retry: the log shipper keeps the lines and tries again later. */
  async createLogs(logs: LogInput[]): Promise<number> {
    return (await withTimeout(this.client.request(ExecutorCreateLogsDocument, { logs }), this.timeoutMs, this.url))
      .createLogs;
  }

  private async retrying<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables: V,
  ): Promise<R> {
    const started = Date.now();
    for (let failures = 1; ; failures++) {
      try {
        return await withTimeout(this.client.request(document, variables), this.timeoutMs, this.url);
      } catch (e) {
        const wait = backoffMs(failures, 0.5, 10);
        const deadline = started + (isOutage(e) ? this.outageRetryForMs : this.retryForMs);
        if (!isTransient(e) || Date.now() + wait > deadline) throw e;
        await sleep(wait);
      }
    }
  }
}
