// The kubernetes-job infrastructure block: creates a batch/v1 Job for a run, waits for its pod,
// streams the pod's log, waits for the Job to finish and reports the container's exit code.
import { PassThrough } from "node:stream";
import { createInterface } from "node:readline";
import {
  InfrastructureNotFoundError,
  type BlockLogger,
  type InfrastructureJob,
  type InfrastructureResult,
  type RunInfrastructure,
} from "ordo/blocks-sdk";
import { connect, statusOf, type KubeClient } from "./kube-client.js";
import { buildJobManifest } from "./manifest.js";
import type { KubernetesJobConfig } from "./schema.js";
import { watchUntil } from "./watch.js";

export const DEFAULT_POD_WATCH_TIMEOUT_SECONDS = 60;
/** Prefect's KubernetesJob default grace when deleting a Job. */
export const DEFAULT_KILL_GRACE_SECONDS = 30;
/** How long the log stream may trail the Job's end before it is cut. */
const LOG_DRAIN_MS = 10_000;

type Obj = Record<string, unknown>;
type Pod = { metadata?: { name?: string }; status?: { phase?: string; containerStatuses?: ContainerStatus[] } };
type ContainerStatus = {
  name?: string;
  state?: { terminated?: { exitCode?: number }; waiting?: { reason?: string; message?: string } };
};
type JobObject = { status?: { conditions?: { type?: string; status?: string }[]; completionTime?: unknown } };

export class KubernetesJobBlock implements RunInfrastructure {
  private client: Promise<KubeClient> | null = null;

  constructor(
    private readonly config: KubernetesJobConfig,
    private readonly deps: { logger: BlockLogger },
  ) {}

  private connect(): Promise<KubeClient> {
    if (!this.client) {
      const attempt = connect(this.config.cluster_config);
      this.client = attempt;
      // a failed connection is not cached: the next call tries again
      attempt.catch(() => {
        if (this.client === attempt) this.client = null;
      });
    }
    return this.client;
  }

  async run(job: InfrastructureJob): Promise<InfrastructureResult> {
    if (job.signal?.aborted) throw new Error("kubernetes-job: the job was cancelled before it started");
    const manifest = await buildJobManifest(this.config, job);
    const namespace = (manifest.metadata as Obj).namespace as string;
    const client = await this.connect();

    let name: string;
    try {
      const created = await client.batch.createNamespacedJob({ namespace, body: manifest as never });
      name = created.metadata?.name ?? "";
    } catch (e) {
      throw new Error(
        `kubernetes-job: creating the Job in namespace "${namespace}" at ${client.server} failed: ${client.describe(e)}`,
      );
    }
    if (!name) throw new Error(`kubernetes-job: the API server at ${client.server} created a Job without a name`);
    const id = `${namespace}/${name}`;
    this.deps.logger.info(`kubernetes-job: created Job ${id}`);
    job.onStart?.(id);
    const onAbort = () => void this.kill(id).catch(() => undefined);
    // it may have been cancelled while the Job was being created
    if (job.signal?.aborted) onAbort();
    else job.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.follow(client, job, manifest, namespace, name);
    } finally {
      job.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async follow(
    client: KubeClient,
    job: InfrastructureJob,
    manifest: Obj,
    namespace: string,
    name: string,
  ): Promise<InfrastructureResult> {
    const id = `${namespace}/${name}`;
    const selector = { labelSelector: `job-name=${name}` };
    const podTimeout = this.config.pod_watch_timeout_seconds ?? DEFAULT_POD_WATCH_TIMEOUT_SECONDS;
    let lastSeen = "";
    const pod = await watchUntil<Pod>(client, {
      what: `the pods of Job ${id}`,
      path: `/api/v1/namespaces/${namespace}/pods`,
      query: selector,
      timeoutMs: podTimeout * 1000,
      signal: job.signal,
      test: (type, object) => {
        const p = object as Pod;
        if (type === "DELETED") return undefined;
        const phase = p.status?.phase;
        const waiting = p.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
        lastSeen = `pod ${p.metadata?.name ?? "?"} ${phase ?? "without a phase"}${waiting?.reason ? ` (${waiting.reason})` : ""}`;
        return phase && phase !== "Pending" ? p : undefined;
      },
    });
    if (pod.kind === "aborted") return { pid: 0, exitCode: null, signal: "SIGTERM" };
    if (pod.kind === "timeout") {
      // left in place, as Prefect does, so its events say why (image pull, scheduling, quota…)
      throw new Error(
        `kubernetes-job: no pod of Job ${id} started within ${podTimeout}s${lastSeen ? `; last seen: ${lastSeen}` : ""}`,
      );
    }
    const podName = pod.value.metadata?.name ?? "";
    const containerName = containerOf(manifest);
    this.deps.logger.info(`kubernetes-job: Job ${id} runs in pod ${podName}`);
    const logs =
      this.config.stream_output === false ? null : this.streamLogs(client, job, namespace, podName, containerName);

    const jobTimeout = this.config.job_watch_timeout_seconds ?? null;
    const finished = await watchUntil<"deleted" | JobObject>(client, {
      what: `Job ${id}`,
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      query: { fieldSelector: `metadata.name=${name}` },
      timeoutMs: jobTimeout === null ? null : jobTimeout * 1000,
      test: (type, object) =>
        type === "DELETED" ? "deleted" : jobOutcome(object as JobObject) ? (object as JobObject) : undefined,
    });
    await logs?.drain();
    if (finished.kind === "timeout")
      throw new Error(`kubernetes-job: Job ${id} did not finish within ${jobTimeout}s (it was left running)`);
    if (finished.kind !== "found") return { pid: 0, exitCode: null, signal: "SIGTERM" };

    const exitCode = await this.exitCode(client, namespace, name, podName, containerName);
    if (finished.value === "deleted") return { pid: 0, exitCode, signal: exitCode === null ? "SIGTERM" : null };
    if (exitCode !== null) return { pid: 0, exitCode };
    // no terminated container (e.g. activeDeadlineSeconds): the Job's own verdict
    const outcome = jobOutcome(finished.value);
    this.deps.logger.warn(`kubernetes-job: Job ${id} ended ${outcome} without a container exit code`);
    return { pid: 0, exitCode: outcome === "Complete" ? 0 : 1 };
  }

  /** follow=true log of the pod's container, line by line to onOutput; drain() waits (bounded) for its end. */
  private streamLogs(client: KubeClient, job: InfrastructureJob, namespace: string, pod: string, container: string) {
    const sink = new PassThrough();
    const ended = new Promise<void>((resolve) => {
      const lines = createInterface({ input: sink, crlfDelay: Infinity });
      lines.on("line", (line) => job.onOutput?.("stdout", line));
      lines.on("close", resolve);
    });
    const request = new client.k8s.Log(client.kc).log(namespace, pod, container, sink, { follow: true }).catch((e) => {
      this.deps.logger.warn(`kubernetes-job: cannot stream the log of pod ${namespace}/${pod}: ${client.describe(e)}`);
      sink.end();
      return null;
    });
    return {
      drain: async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), LOG_DRAIN_MS)));
        const outcome = await Promise.race([ended, late]);
        clearTimeout(timer);
        if (outcome === "late") {
          (await request)?.abort();
          sink.end();
        }
      },
    };
  }

  /** The container's exit code from the pod's final status (the watched pod, else the Job's newest). */
  private async exitCode(
    client: KubeClient,
    namespace: string,
    job: string,
    podName: string,
    container: string,
  ): Promise<number | null> {
    try {
      const list = await client.core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` });
      const pods = (list.items ?? []) as Pod[];
      const pod = pods.find((p) => p.metadata?.name === podName) ?? pods.at(-1);
      const statuses = pod?.status?.containerStatuses ?? [];
      const code = (statuses.find((c) => c.name === container) ?? statuses[0])?.state?.terminated?.exitCode;
      return typeof code === "number" ? code : null;
    } catch (e) {
      this.deps.logger.warn(
        `kubernetes-job: cannot read the exit code of Job ${namespace}/${job}: ${client.describe(e)}`,
      );
      return null;
    }
  }

  /** Deletes the Job and, in the foreground, its pods; `id` is what run() passed to onStart: "namespace/name". */
  async kill(id: string | number, gracePeriodSeconds = DEFAULT_KILL_GRACE_SECONDS): Promise<void> {
    const [namespace, name, ...rest] = String(id).split("/");
    if (!namespace || !name || rest.length)
      throw new InfrastructureNotFoundError(`kubernetes-job: "${String(id)}" is not a namespace/job-name id`);
    const client = await this.connect();
    try {
      await client.batch.deleteNamespacedJob({ name, namespace, gracePeriodSeconds, propagationPolicy: "Foreground" });
      this.deps.logger.info(`kubernetes-job: deleted Job ${namespace}/${name} (grace ${gracePeriodSeconds}s)`);
    } catch (e) {
      if (statusOf(e) === 404)
        throw new InfrastructureNotFoundError(`kubernetes-job: no Job ${namespace}/${name} at ${client.server}`);
      throw new Error(
        `kubernetes-job: deleting Job ${namespace}/${name} at ${client.server} failed: ${client.describe(e)}`,
      );
    }
  }
}

/** "Complete" / "Failed" once the Job has finished (its condition, or a completion time). */
function jobOutcome(job: JobObject): "Complete" | "Failed" | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status === "True" && (c.type === "Complete" || c.type === "Failed")) return c.type;
  }
  return job.status?.completionTime ? "Complete" : undefined;
}

function containerOf(manifest: Obj): string {
  const spec = ((manifest.spec as Obj).template as Obj).spec as Obj;
  return String(((spec.containers as Obj[])[0] as Obj).name);
}
