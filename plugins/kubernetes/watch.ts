// Watches a Kubernetes collection until an event satisfies a test, a deadline passes or the run is
// aborted; re-watches when the API server closes the stream (watches do time out server-side).
import type { KubeClient } from "./kube-client.js";
import { statusOf } from "./kube-client.js";

export type WatchOutcome<T> = { kind: "found"; value: T } | { kind: "timeout" } | { kind: "aborted" };

export interface WatchSpec<T> {
  /** e.g. /api/v1/namespaces/default/pods */
  path: string;
  query: Record<string, string>;
  /** a value ends the watch */
  test: (type: string, object: Record<string, unknown>) => T | undefined;
  /** milliseconds; null: no deadline */
  timeoutMs: number | null;
  signal?: AbortSignal;
  /** what is being watched, for error messages */
  what: string;
}

const REWATCH_DELAY_MS = 500;

export async function watchUntil<T>(client: KubeClient, spec: WatchSpec<T>): Promise<WatchOutcome<T>> {
  const deadline = spec.timeoutMs === null ? null : Date.now() + spec.timeoutMs;
  const watcher = new client.k8s.Watch(client.kc);
  for (;;) {
    if (spec.signal?.aborted) return { kind: "aborted" };
    const remaining = deadline === null ? null : deadline - Date.now();
    if (remaining !== null && remaining <= 0) return { kind: "timeout" };
    const round = await new Promise<WatchOutcome<T> | { kind: "closed" } | { kind: "error"; error: unknown }>(
      (resolve) => {
        let controller: AbortController | undefined;
        let settled = false;
        const finish = (o: WatchOutcome<T> | { kind: "closed" } | { kind: "error"; error: unknown }) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          spec.signal?.removeEventListener("abort", onAbort);
          controller?.abort();
          resolve(o);
        };
        const timer = remaining === null ? undefined : setTimeout(() => finish({ kind: "timeout" }), remaining);
        const onAbort = () => finish({ kind: "aborted" });
        spec.signal?.addEventListener("abort", onAbort, { once: true });
        // the server ends the watch itself a little after our deadline, so no connection outlives it
        const query =
          remaining === null ? spec.query : { ...spec.query, timeoutSeconds: String(Math.ceil(remaining / 1000) + 1) };
        watcher
          .watch(
            spec.path,
            query,
            (type, object) => {
              if (type === "ERROR") return; // e.g. 410 Gone: the next round starts afresh
              const value = spec.test(type, object as Record<string, unknown>);
              if (value !== undefined) finish({ kind: "found", value });
            },
            (err) => finish(err ? { kind: "error", error: err } : { kind: "closed" }),
          )
          .then(
            (c) => {
              controller = c;
              if (settled) c.abort();
            },
            (error) => finish({ kind: "error", error }),
          );
      },
    );
    if (round.kind === "found" || round.kind === "timeout" || round.kind === "aborted") return round;
    if (round.kind === "error") {
      const status = statusOf(round.error);
      // refused (401, 403, 404…): waiting will not change the answer
      if (status !== undefined && status >= 400 && status < 500 && status !== 410 && status !== 429) {
        throw new Error(`kubernetes-job: watching ${spec.what} failed: ${client.describe(round.error)}`);
      }
    }
    await new Promise((r) => setTimeout(r, REWATCH_DELAY_MS));
  }
}
