// The docker plugin: the docker-container block type, the docker work-pool type that runs flow runs
// through it, and the build_docker_image / push_docker_image steps. Light: dockerode loads lazily.
import { LOGGER, defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { DockerContainer, dockerContainerSchema } from "./docker-container.js";
import { buildDockerImage, pushDockerImage } from "./steps.js";
import { dockerWorkPoolType } from "./work-pool.js";

export {
  DEFAULT_STOP_TIMEOUT,
  DockerContainer,
  dockerContainerSchema,
  type DockerContainerConfig,
} from "./docker-container.js";
export { EngineUnavailableError } from "./engine.js";
export { buildDockerImage, pushDockerImage } from "./steps.js";
export { dockerBaseJobTemplate, dockerWorkPoolType } from "./work-pool.js";

export const dockerContainerBlockType = defineBlockType({
  slug: "docker-container",
  name: "Docker Container",
  description: "Runs each flow run in a Docker container, on any engine serving the Docker API (Docker, podman).",
  documentationUrl:
    "https://docs.prefect.io/2.20.25/api-ref/prefect/infrastructure/#prefect.infrastructure.DockerContainer",
  schema: dockerContainerSchema,
  capabilities: ["run-infrastructure"],
  inject: { logger: LOGGER },
  implementation: DockerContainer,
});

// the name and version come from package.json
export default definePlugin({
  blockTypes: [dockerContainerBlockType],
  steps: [buildDockerImage, pushDockerImage],
  workPoolTypes: [dockerWorkPoolType],
});
