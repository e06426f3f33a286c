// The kubernetes-job configuration schema: Prefect 2's KubernetesJob fields, plus the job
// configuration shape the kubernetes work-pool template renders (job_manifest, string command).
import type { ConfigOf } from "ordo/blocks-sdk";

/** RFC 6902 operations, applied in order after the shortcut fields. */
const patchOperation = {
  type: "object",
  properties: {
    op: { enum: ["add", "remove", "replace", "move", "copy", "test"] },
    path: { type: "string" },
    from: { type: "string" },
    value: {},
  },
  required: ["op", "path"],
  additionalProperties: false,
} as const;

export const kubernetesJobSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    type: {
      const: "kubernetes-job",
      description: "Prefect's dispatch key; accepted so Prefect documents can be copied",
    },
    image: {
      type: ["string", "null"],
      minLength: 1,
      description: "the container image; required unless the manifest names one",
    },
    namespace: { type: "string", minLength: 1, default: "default", description: "where the Job is created" },
    service_account_name: { type: ["string", "null"], minLength: 1 },
    image_pull_policy: { enum: ["IfNotPresent", "Always", "Never", null] },
    job: { type: "object", description: "a batch/v1 Job manifest (default: Prefect's minimal one)" },
    job_manifest: {
      type: "object",
      description: "the work-pool template's name for `job`; `job` wins when both are given",
    },
    customizations: {
      type: "array",
      items: patchOperation,
      default: [],
      description: "RFC 6902 JSON Patch applied to the manifest last",
    },
    env: {
      type: "object",
      additionalProperties: { type: ["string", "null"] },
      default: {},
      description: "container env; null removes a variable",
    },
    labels: {
      type: "object",
      additionalProperties: { type: "string" },
      default: {},
      description: "added to the Job's metadata.labels",
    },
    name: { type: ["string", "null"], description: "prefix of the Job's generated name" },
    command: {
      anyOf: [{ type: "array", items: { type: "string" } }, { type: "string" }, { type: "null" }],
      description:
        "the container's args: a list, or one string split like a shell would (the work-pool template's form)",
    },
    finished_job_ttl: {
      type: ["integer", "null"],
      minimum: 0,
      description: "ttlSecondsAfterFinished: seconds before Kubernetes deletes the finished Job",
    },
    job_watch_timeout_seconds: {
      type: ["integer", "null"],
      minimum: 1,
      description: "how long to wait for the Job to finish; null waits as long as it runs",
    },
    pod_watch_timeout_seconds: {
      type: "integer",
      minimum: 1,
      default: 60,
      description: "how long to wait for the Job's pod to start",
    },
    stream_output: { type: "boolean", default: true, description: "stream the pod's log lines to the worker" },
    cluster_config: {
      type: ["object", "null"],
      properties: {
        // a kubeconfig holds tokens, client keys or passwords: the whole document is secret
        config: {
          type: ["string", "object"],
          writeOnly: true,
          description: "a kubeconfig, as a YAML or JSON string or as an object",
        },
        context_name: {
          type: "string",
          minLength: 1,
          description: "the kubeconfig context to use (default: its current-context)",
        },
      },
      required: ["config"],
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

export type KubernetesJobConfig = ConfigOf<typeof kubernetesJobSchema>;

/**
 * Prefect's KubernetesJob.base_job_manifest(), with Ordo's container name; parallelism and
 * completions sit on the Job's spec, where Kubernetes reads them (Prefect put them on the pod's).
 */
export function defaultJobManifest(): Record<string, unknown> {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { labels: {} },
    spec: {
      parallelism: 1,
      completions: 1,
      template: { spec: { restartPolicy: "Never", containers: [{ name: "ordo-job", env: [] }] } },
    },
  };
}
