// For tests (not published): finds the Docker-compatible engine .ci/container-engine.sh serves, says
// why tests must skip when none answers, and removes the containers a test labelled.
import { connectEngine, dockerHostOf } from "./engine.js";

/** Where .ci/container-engine.sh serves the Docker API unless ORDO_CONTAINER_ENGINE_DIR moves it. */
export const SCRIPT_DOCKER_HOST = `unix://${process.env.ORDO_CONTAINER_ENGINE_DIR ?? "/tmp/ordo-container-engine"}/podman.sock`;

/** Images the script builds: busybox applets, and the same plus the host's node at its own path. */
export const BUSYBOX_IMAGE = "local/busybox:1";
export const NODE_IMAGE = "local/node:20";

export interface ContainerEngine {
  /** DOCKER_HOST for the engine, or null when none answered */
  dockerHost: string | null;
  /** why there is none, for describe.skipIf's printed reason */
  reason: string;
  /** SKIP unless ORDO_TEST_CONTAINER_ENGINE=required: then tests run and fail */
  skip: boolean;
  /** removes every container (running or not) carrying the label key=value */
  removeLabelled(key: string, value: string): Promise<number>;
}

/**
 * The engine at DOCKER_HOST when set, else at the script's socket. Nothing is installed or started
 * here: run `.ci/container-engine.sh` for that (it prints the DOCKER_HOST to use).
 */
export async function containerEngine(): Promise<ContainerEngine> {
  const candidates = [...new Set([process.env.DOCKER_HOST, SCRIPT_DOCKER_HOST].filter((h): h is string => !!h))];
  let dockerHost: string | null = null;
  for (const host of candidates) {
    if (
      await connectEngine("the docker plugin's tests", host).then(
        () => true,
        () => false,
      )
    ) {
      dockerHost = host;
      break;
    }
  }
  const required = process.env.ORDO_TEST_CONTAINER_ENGINE === "required";
  const reason = dockerHost
    ? `a Docker engine answers at ${dockerHost}`
    : `no Docker engine answers (tried ${candidates.join(", ")}): run .ci/container-engine.sh, or set ORDO_TEST_CONTAINER_ENGINE=required to make this a failure`;
  return {
    dockerHost,
    reason,
    skip: dockerHost === null && !required,
    async removeLabelled(key, value) {
      if (!dockerHost) return 0;
      const docker = await connectEngine("cleanup", dockerHostOf(dockerHost));
      const list = await docker.listContainers({ all: true, filters: { label: [`${key}=${value}`] } });
      await Promise.all(
        list.map((c) =>
          docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
      return list.length;
    },
  };
}
