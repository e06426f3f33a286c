// The `docker` work-pool type: Prefect's docker worker base job template, whose rendered job
// configuration is a docker-container block configuration (unset variables are left out).
import type { WorkPoolTypeSpec } from "ordo/blocks-sdk";
import { fields } from "./docker-container.js";

/** The job configuration keys, each filled from the variable of the same name. */
const KEYS = [
  "command",
  "env",
  "labels",
  "name",
  "image",
  "image_pull_policy",
  "networks",
  "network_mode",
  "auto_remove",
  "volumes",
  "stream_output",
  "mem_limit",
  "memswap_limit",
  "privileged",
] as const;

const { description: _ignored, ...envValues } = fields.env;

export const dockerBaseJobTemplate = {
  job_configuration: Object.fromEntries(KEYS.map((k) => [k, `{{ ${k} }}`])),
  variables: {
    type: "object",
    properties: {
      // the worker runs an argument list; a variable left unset runs Ordo's flow-run executor
      command: {
        title: "Command",
        type: "array",
        items: { type: "string" },
        description:
          "The command to run in the container, as a list of arguments. Default: Ordo's flow-run executor from the image's PATH, `ordo flow-run execute` (it reads the run's id from ORDO_FLOW_RUN_ID): install ordo in the image, or name the command.",
      },
      env: {
        title: "Environment Variables",
        ...envValues,
        default: {},
        description:
          "Environment variables of the container, added to the ones Ordo sets (ORDO_API_URL, ORDO_FLOW_RUN_ID…).",
      },
      labels: { title: "Labels", ...fields.labels, default: {}, description: "Labels of the container." },
      name: {
        title: "Name",
        type: "string",
        description: "The container's name (default: one the engine picks). Two runs cannot share a name.",
      },
      image: {
        title: "Image",
        ...fields.image,
        description:
          "The image to run; it must have Node.js and Ordo at the worker's paths (or mount them with `volumes`).",
      },
      image_pull_policy: {
        title: "Image Pull Policy",
        enum: ["IF_NOT_PRESENT", "ALWAYS", "NEVER"],
        description: "When to pull the image: IF_NOT_PRESENT (the default), ALWAYS or NEVER.",
      },
      networks: { title: "Networks", ...fields.networks, description: "Networks the container joins." },
      network_mode: {
        title: "Network Mode",
        type: "string",
        description: 'The network mode, e.g. "host" when the container must reach a server on the worker\'s 127.0.0.1.',
      },
      auto_remove: {
        title: "Auto Remove",
        ...fields.auto_remove,
        description:
          "Let the engine remove the container when it exits (the worker removes it after the run either way).",
      },
      volumes: { title: "Volumes", ...fields.volumes, description: 'Bind mounts, "host_path:container_path[:ro]".' },
      stream_output: {
        title: "Stream Output",
        ...fields.stream_output,
        description: "Stream the container's output to the worker's log.",
      },
      mem_limit: {
        title: "Memory Limit",
        type: ["string", "integer"],
        description: 'Memory limit of the container: bytes, or "512m", "2g"….',
      },
      memswap_limit: {
        title: "Memory Swap Limit",
        type: ["string", "integer"],
        description: "Memory plus swap limit, same units; -1 for unlimited swap.",
      },
      privileged: { title: "Privileged", ...fields.privileged, description: "Give the container extended privileges." },
    },
    required: ["image"],
  },
} as const;

export const dockerWorkPoolType: WorkPoolTypeSpec = {
  type: "docker",
  blockType: "docker-container",
  description: "Runs each flow run in a Docker container (any engine serving the Docker API: Docker, podman).",
  baseJobTemplate: dockerBaseJobTemplate,
};
