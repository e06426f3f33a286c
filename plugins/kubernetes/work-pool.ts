// The `kubernetes` work-pool type: Prefect's kubernetes worker base job template, whose rendered
// job configuration is a kubernetes-job block configuration (job_manifest, string command…).

const job_manifest = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: {
    labels: "{{ labels }}",
    namespace: "{{ namespace }}",
    // without a name variable this stays unrendered; the block then uses "ordo-job-"
    generateName: "{{ name }}-",
  },
  spec: {
    backoffLimit: "{{ backoff_limit }}",
    ttlSecondsAfterFinished: "{{ finished_job_ttl }}",
    template: {
      spec: {
        restartPolicy: "Never",
        serviceAccountName: "{{ service_account_name }}",
        containers: [
          {
            name: "ordo-job",
            env: "{{ env }}",
            image: "{{ image }}",
            imagePullPolicy: "{{ image_pull_policy }}",
            args: "{{ command }}",
          },
        ],
      },
    },
  },
};

export const kubernetesBaseJobTemplate = {
  job_configuration: {
    command: "{{ command }}",
    env: "{{ env }}",
    labels: "{{ labels }}",
    name: "{{ name }}",
    namespace: "{{ namespace }}",
    job_manifest,
    cluster_config: "{{ cluster_config }}",
    job_watch_timeout_seconds: "{{ job_watch_timeout_seconds }}",
    pod_watch_timeout_seconds: "{{ pod_watch_timeout_seconds }}",
    stream_output: "{{ stream_output }}",
  },
  variables: {
    type: "object",
    properties: {
      name: {
        title: "Name",
        description: "Name given to created Jobs (a prefix: Kubernetes appends a random suffix).",
        type: "string",
      },
      env: {
        title: "Environment Variables",
        description: "Environment variables to set in the Job's container.",
        type: "object",
        additionalProperties: { type: ["string", "null"] },
      },
      labels: {
        title: "Labels",
        description: "Labels applied to created Jobs.",
        type: "object",
        additionalProperties: { type: "string" },
      },
      command: {
        title: "Command",
        description:
          "The command the container runs, as one string (default: `ordo flow-run execute`, which needs Ordo in the image).",
        type: "string",
      },
      namespace: {
        title: "Namespace",
        description: "The Kubernetes namespace to create Jobs within.",
        type: "string",
        default: "default",
      },
      image: {
        title: "Image",
        description:
          "The image reference of a container image with Ordo installed, e.g. `registry.example.com/flows:1.2`.",
        type: "string",
        examples: ["docker.io/library/node:20"],
      },
      service_account_name: {
        title: "Service Account Name",
        description: "The Kubernetes service account to run Jobs as.",
        type: "string",
      },
      image_pull_policy: {
        title: "Image Pull Policy",
        description: "The Kubernetes image pull policy of the Job's container.",
        type: "string",
        enum: ["IfNotPresent", "Always", "Never"],
        default: "IfNotPresent",
      },
      backoff_limit: {
        title: "Backoff Limit",
        description:
          "How many times Kubernetes retries the Job's pod; 0 leaves retries to the flow run's own settings.",
        type: "integer",
        minimum: 0,
        default: 0,
      },
      finished_job_ttl: {
        title: "Finished Job TTL",
        description: "Seconds after which Kubernetes deletes a finished Job; unset keeps it.",
        type: "integer",
        minimum: 0,
      },
      job_watch_timeout_seconds: {
        title: "Job Watch Timeout",
        description: "Seconds to wait for the Job to finish; unset waits as long as it runs.",
        type: "integer",
        minimum: 1,
      },
      pod_watch_timeout_seconds: {
        title: "Pod Watch Timeout",
        description: "Seconds to wait for the Job's pod to start.",
        type: "integer",
        minimum: 1,
        default: 60,
      },
      stream_output: {
        title: "Stream Output",
        description: "Stream the pod's log to the worker's output.",
        type: "boolean",
        default: true,
      },
      cluster_config: {
        title: "Cluster Config",
        description:
          "A kubeconfig (`config`, YAML/JSON string or object) and `context_name`; unset: in-cluster, else the worker's default kubeconfig.",
        type: "object",
        properties: { config: { type: ["string", "object"], writeOnly: true }, context_name: { type: "string" } },
        required: ["config"],
      },
    },
  },
} as const;
