// The kubernetes plugin: the kubernetes-job infrastructure block and the kubernetes work-pool
// type. Light on purpose: @kubernetes/client-node and kubernetes-models load when a run needs them.
import { LOGGER, defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { KubernetesJobBlock } from "./kubernetes-job.js";
import { kubernetesJobSchema } from "./schema.js";
import { kubernetesBaseJobTemplate } from "./work-pool.js";

export { DEFAULT_KILL_GRACE_SECONDS, DEFAULT_POD_WATCH_TIMEOUT_SECONDS, KubernetesJobBlock } from "./kubernetes-job.js";
export {
  buildJobManifest,
  CONTAINER_EXECUTE_COMMAND,
  renderJobManifest,
  splitCommand,
  validateJobManifest,
} from "./manifest.js";
export { defaultJobManifest, kubernetesJobSchema, type KubernetesJobConfig } from "./schema.js";
export { kubernetesBaseJobTemplate } from "./work-pool.js";

export const kubernetesJobBlockType = defineBlockType({
  slug: "kubernetes-job",
  name: "Kubernetes Job",
  description:
    "Runs each flow run as a Kubernetes Job (batch/v1) and streams its pod's log (Prefect 2's KubernetesJob).",
  documentationUrl: "https://kubernetes.io/docs/concepts/workloads/controllers/job/",
  schema: kubernetesJobSchema,
  capabilities: ["run-infrastructure"],
  inject: { logger: LOGGER },
  implementation: KubernetesJobBlock,
});

export default definePlugin({
  blockTypes: [kubernetesJobBlockType],
  workPoolTypes: [
    {
      type: "kubernetes",
      blockType: "kubernetes-job",
      description: "Runs flow runs as Kubernetes Jobs (Prefect's kubernetes worker template).",
      baseJobTemplate: kubernetesBaseJobTemplate,
    },
  ],
});
