// The Kubernetes API client for a kubernetes-job block: @kubernetes/client-node loaded on first
// use, the kubeconfig chosen as Prefect does, and API errors turned into messages without secrets.
import { existsSync } from "node:fs";
import type { BatchV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { KubernetesJobConfig } from "./schema.js";

export type ClientModule = typeof import("@kubernetes/client-node");

export interface KubeClient {
  k8s: ClientModule;
  kc: KubeConfig;
  batch: BatchV1Api;
  core: CoreV1Api;
  /** the API server's URL, for messages */
  server: string;
  /** an error (or any text) as a one-line message with every credential of the kubeconfig masked */
  describe(e: unknown): string;
}

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** cluster_config's kubeconfig (and context); else in-cluster when running in a pod; else the default kubeconfig loading. */
export async function connect(clusterConfig: KubernetesJobConfig["cluster_config"]): Promise<KubeClient> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  if (clusterConfig) {
    const text = typeof clusterConfig.config === "string" ? clusterConfig.config : JSON.stringify(clusterConfig.config);
    try {
      kc.loadFromString(text);
    } catch {
      // the parser's message may quote the document: say only that it is not one
      throw new Error("kubernetes-job: cluster_config.config is not a kubeconfig (YAML or JSON)");
    }
    if (clusterConfig.context_name) {
      if (!kc.getContextObject(clusterConfig.context_name)) {
        throw new Error(
          `kubernetes-job: cluster_config has no context "${clusterConfig.context_name}" (it has: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(", ") || "none"
          })`,
        );
      }
      kc.setCurrentContext(clusterConfig.context_name);
    }
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new Error("kubernetes-job: the kubeconfig has no current cluster (set cluster_config, or a current-context)");
  const secrets = kc
    .getUsers()
    .flatMap((u) => [u.token, u.password, u.keyData])
    .filter((s): s is string => typeof s === "string" && s.length >= 4);
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join("********"), text);
  return {
    k8s,
    kc,
    batch: kc.makeApiClient(k8s.BatchV1Api),
    core: kc.makeApiClient(k8s.CoreV1Api),
    server: cluster.server,
    describe: (e) => mask(describeError(e)),
  };
}

/** The HTTP status of an API error (ApiException.code, a watch's statusCode), if any. */
export function statusOf(e: unknown): number | undefined {
  const x = e as { code?: unknown; statusCode?: unknown } | null;
  if (typeof x?.code === "number") return x.code;
  if (typeof x?.statusCode === "number") return x.statusCode;
  return undefined;
}

/**
 * ApiException's own message is several lines with every response header; keep the status and the
 * API server's Status message (it names the field or the object), which is what a user can act on.
 */
function describeError(e: unknown): string {
  const status = statusOf(e);
  if (status !== undefined && e && typeof e === "object" && "body" in e) {
    let body = (e as { body: unknown }).body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        // a non-JSON body (a proxy's page): its first line
        body = { message: (body as string).split("\n")[0]!.slice(0, 200) };
      }
    }
    const b = body as { message?: unknown; reason?: unknown } | null | undefined;
    // responses the API spec declares (401…) come without a body: the client's "Message:" line says it
    const own = e instanceof Error ? /^Message: (.*)$/m.exec(e.message)?.[1] : undefined;
    const message =
      typeof b?.message === "string"
        ? b.message
        : typeof b?.reason === "string"
          ? b.reason
          : own && own !== "Unknown API Status Code!"
            ? own
            : "";
    return `HTTP ${status}${message ? `: ${message}` : ""}`;
  }
  if (e instanceof Error) return `${status !== undefined ? `HTTP ${status}: ` : ""}${e.message.split("\n")[0]}`;
  return String(e);
}
