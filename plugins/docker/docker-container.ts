// The docker-container infrastructure block (Prefect 2's DockerContainer fields): runs a job in a
// container — image pulled per policy, output streamed line by line, stopped politely on kill.
import { PassThrough } from "node:stream";
import { createInterface } from "node:readline";
import type Dockerode from "dockerode";
import {
  InfrastructureNotFoundError,
  type BlockLogger,
  type ConfigOf,
  type InfrastructureJob,
  type InfrastructureResult,
  type RunInfrastructure,
} from "ordo/blocks-sdk";
import { connectEngine, containerGone, dockerHostOf, engineMessage, followProgress, statusOf } from "./engine.js";

/** Docker's own default for `docker stop`: SIGTERM, then SIGKILL 10 s later. */
export const DEFAULT_STOP_TIMEOUT = 10;
const SLUG = "docker-container";

// JSON Schema fragments shared with the work pool's variables
export const fields = {
  image: {
    type: "string",
    minLength: 1,
    description: "the image to run, e.g. local/node:20 or registry.example.com/team/flows:1",
  },
  image_pull_policy: {
    enum: ["IF_NOT_PRESENT", "ALWAYS", "NEVER", null],
    description: "IF_NOT_PRESENT (the default), ALWAYS or NEVER pull the image before running",
  },
  networks: {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [],
    description: "networks the container joins",
  },
  network_mode: {
    type: ["string", "null"],
    description: 'the container\'s network mode: "bridge", "host", "none", "container:<id>"…',
  },
  auto_remove: {
    type: "boolean",
    default: false,
    description: "let the engine remove the container when it exits (Ordo removes it after the run either way)",
  },
  volumes: {
    type: "array",
    items: { type: "string", pattern: "^[^:]+:[^:]+(:(ro|rw|z|Z|ro,z|ro,Z|rw,z|rw,Z))?$" },
    default: [],
    description: 'bind mounts, "host_path:container_path[:ro]"',
  },
  stream_output: {
    type: "boolean",
    default: true,
    description: "pass the container's output lines on to the worker's log",
  },
  mem_limit: { type: ["string", "integer", "null"], description: 'memory limit: bytes, or "512m", "2g"…' },
  memswap_limit: {
    type: ["string", "integer", "null"],
    description: "memory plus swap limit, same units; -1 for unlimited swap",
  },
  privileged: { type: "boolean", default: false, description: "give the container extended privileges" },
  env: {
    type: "object",
    additionalProperties: { type: ["string", "null"] },
    description: "environment variables (a null value unsets one); the job's own win",
  },
  labels: {
    type: "object",
    additionalProperties: { type: "string" },
    description: "labels of the container; the job's own win",
  },
  name: { type: ["string", "null"], description: "the container's name (default: one the engine picks)" },
  command: {
    anyOf: [{ type: "array", items: { type: "string" } }, { type: "string" }, { type: "null" }],
    description:
      "what to run when the job brings no command (a worker always brings one: the job configuration's, else Ordo's flow-run executor, run as `ordo flow-run execute` from the image's PATH)",
  },
} as const;

export const dockerContainerSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    // Prefect writes its block's type into the document: accepted so its configurations copy over
    type: { const: SLUG },
    ...fields,
    image_registry: {
      type: ["object", "null"],
      description: "credentials for pulling the image from a private registry (Prefect's DockerRegistry block)",
      properties: {
        username: { type: "string" },
        password: { type: "string", format: "password", writeOnly: true },
        registry_url: { type: "string", description: "e.g. registry.example.com or https://index.docker.io/v1/" },
        reauth: { type: "boolean", default: true },
      },
      required: ["username", "password", "registry_url"],
      additionalProperties: false,
    },
    docker_host: {
      type: ["string", "null"],
      description:
        "the engine: unix:///path/docker.sock, tcp://host:2375… (default DOCKER_HOST, else /var/run/docker.sock)",
    },
    init: {
      type: "boolean",
      default: true,
      description: "run an init as PID 1, which forwards SIGTERM to the command and reaps zombies",
    },
    stop_timeout: {
      type: ["integer", "null"],
      minimum: 0,
      description: "seconds between SIGTERM and SIGKILL when the container is stopped (default 10)",
    },
  },
  required: ["image"],
  additionalProperties: false,
} as const;

export type DockerContainerConfig = ConfigOf<typeof dockerContainerSchema>;

export class DockerContainer implements RunInfrastructure {
  private readonly logger: BlockLogger;

  constructor(
    private readonly config: DockerContainerConfig,
    deps: { logger: BlockLogger },
  ) {
    this.logger = deps.logger;
  }

  private get dockerHost(): string {
    return dockerHostOf(this.config.docker_host);
  }

  /**
   * Pulls the image as the policy says, creates the container (the job's command, env, labels and
   * working directory win over the block's), streams its output, and resolves with its exit code
   * once every line is delivered. The container is removed afterwards.
   */
  async run(job: InfrastructureJob): Promise<InfrastructureResult> {
    const c = this.config;
    if (job.signal?.aborted) throw new Error(`${SLUG}: the job was cancelled before its container started`);
    const docker = await connectEngine(SLUG, this.dockerHost);
    await this.ensureImage(docker);
    if (job.signal?.aborted) throw new Error(`${SLUG}: the job was cancelled before its container started`);

    // the worker's default names its host's paths: in an image, Ordo's executor is `ordo` on PATH
    const command = job.defaultCommand
      ? [...EXECUTE_IN_IMAGE]
      : job.command.length > 0
        ? job.command
        : commandOf(c.command);
    const env = { ...c.env, ...job.env };
    const networks = c.networks ?? [];
    const [firstNetwork, ...otherNetworks] = c.network_mode ? [] : networks;
    let container: Dockerode.Container;
    try {
      container = await docker.createContainer({
        Image: c.image,
        ...(c.name ? { name: c.name } : {}),
        ...(command.length > 0 ? { Cmd: command } : {}),
        Env: Object.entries(env).flatMap(([k, v]) => (typeof v === "string" ? [`${k}=${v}`] : [])),
        Labels: { ...c.labels, ...job.labels },
        ...(job.workingDir ? { WorkingDir: job.workingDir } : {}),
        ...(typeof c.stop_timeout === "number" ? { StopTimeout: c.stop_timeout } : {}),
        HostConfig: {
          Binds: c.volumes ?? [],
          NetworkMode: c.network_mode ?? firstNetwork,
          AutoRemove: c.auto_remove ?? false,
          Privileged: c.privileged ?? false,
          Init: c.init ?? true,
          ...(c.mem_limit != null ? { Memory: bytesOf(c.mem_limit, "mem_limit") } : {}),
          ...(c.memswap_limit != null ? { MemorySwap: bytesOf(c.memswap_limit, "memswap_limit") } : {}),
        },
      });
    } catch (e) {
      throw new Error(`${SLUG}: could not create a container from image "${c.image}": ${engineMessage(e)}`);
    }
    const remove = () => (c.auto_remove ? Promise.resolve() : container.remove({ force: true }).catch(() => undefined));
    try {
      for (const network of otherNetworks) await docker.getNetwork(network).connect({ Container: container.id });
      // attached and waited on before start: nothing is missed, even when auto_remove removes it at once
      const output = c.stream_output === false ? null : (await this.attach(container, job)).ended;
      const exited = container.wait({ condition: "next-exit" });
      exited.catch(() => undefined);
      try {
        await container.start();
      } catch (e) {
        throw new Error(`${SLUG}: could not start a container from image "${c.image}": ${engineMessage(e)}`);
      }
      this.logger.info(`${SLUG}: started container ${container.id.slice(0, 12)} from image ${c.image}`);
      job.onStart?.(container.id);
      let stopped = false;
      const onAbort = () => {
        stopped = true;
        void this.kill(container.id).catch(() => undefined);
      };
      if (job.signal?.aborted) onAbort();
      else job.signal?.addEventListener("abort", onAbort, { once: true });
      let status: { StatusCode: number };
      try {
        status = (await exited) as { StatusCode: number };
      } finally {
        job.signal?.removeEventListener("abort", onAbort);
      }
      // every line before the result, but a stream the engine never ends must not hold the run
      await Promise.race([output, new Promise((r) => setTimeout(r, 5_000).unref())]);
      const signal = stopped
        ? (({ 137: "SIGKILL", 143: "SIGTERM" } as Record<number, string>)[status.StatusCode] ?? null)
        : null;
      return { pid: 0, exitCode: status.StatusCode, signal };
    } finally {
      await remove();
    }
  }

  /** Demultiplexes the container's stdout and stderr into lines; `ended` resolves when both have ended. */
  private async attach(container: Dockerode.Container, job: InfrastructureJob): Promise<{ ended: Promise<void> }> {
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const deliver = job.onOutput ?? ((name: "stdout" | "stderr", line: string) => process[name].write(`${line}\n`));
    const streams = { stdout: new PassThrough(), stderr: new PassThrough() };
    container.modem.demuxStream(stream, streams.stdout, streams.stderr);
    const closed = (["stdout", "stderr"] as const).map((name) => {
      const lines = createInterface({ input: streams[name], crlfDelay: Infinity });
      lines.on("line", (line) => deliver(name, line));
      return new Promise<void>((resolve) => lines.once("close", resolve));
    });
    const end = () => {
      streams.stdout.end();
      streams.stderr.end();
    };
    stream.once("end", end);
    stream.once("close", end);
    stream.once("error", end);
    // wrapped: an async function returning the promise itself would wait for the end
    return { ended: Promise.all(closed).then(() => undefined) };
  }

  /** IF_NOT_PRESENT (the default) pulls a missing image, ALWAYS pulls, NEVER only checks it is there. */
  private async ensureImage(docker: Dockerode): Promise<void> {
    const { image, image_registry: registry } = this.config;
    const policy = this.config.image_pull_policy ?? "IF_NOT_PRESENT";
    const present = () =>
      docker
        .getImage(image)
        .inspect()
        .then(
          () => true,
          (e: unknown) => (statusOf(e) === 404 ? false : Promise.reject(e)),
        );
    if (policy === "NEVER") {
      if (!(await present()))
        throw new Error(
          `image "${image}" not found on the engine (${SLUG}: image_pull_policy is NEVER, so nothing is pulled)`,
        );
      return;
    }
    if (policy === "IF_NOT_PRESENT" && (await present())) return;
    const from = registryOf(image);
    this.logger.info(`${SLUG}: pulling image ${image} from ${from}`);
    try {
      const auth = registry
        ? {
            authconfig: {
              username: registry.username,
              password: registry.password,
              serveraddress: registry.registry_url,
            },
          }
        : {};
      await followProgress(await docker.pull(image, auth));
    } catch (e) {
      throw new Error(
        `image "${image}" not found: ${SLUG} could not pull it from ${from}: ${scrub(engineMessage(e), registry?.password)}`,
      );
    }
    if (!(await present()))
      throw new Error(`image "${image}" not found: ${SLUG} pulled it from ${from}, but the engine does not have it`);
  }

  /**
   * Stops the container: SIGTERM, and SIGKILL once `gracePeriodSeconds` (default: stop_timeout, else
   * 10) are over. A container that does not exist or no longer runs is InfrastructureNotFoundError.
   */
  async kill(id: string | number, gracePeriodSeconds?: number): Promise<void> {
    const grace = gracePeriodSeconds ?? this.config.stop_timeout ?? DEFAULT_STOP_TIMEOUT;
    const text = String(id);
    // an id from another kind of infrastructure ("host:pid") must not become a request path
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(text))
      throw new InfrastructureNotFoundError(`${SLUG}: "${text}" is not a container id`);
    const docker = await connectEngine(SLUG, this.dockerHost);
    const container = docker.getContainer(text);
    const running = () =>
      container.inspect().then(
        (i) => i.State.Running === true,
        (e: unknown) => (containerGone(e) ? false : Promise.reject(e)),
      );
    if (!(await running())) throw new InfrastructureNotFoundError(`${SLUG}: no running container ${text}`);
    try {
      // the engine sends SIGKILL itself once t seconds have passed
      await container.stop({ t: grace });
    } catch (e) {
      if (statusOf(e) !== 304 && !containerGone(e))
        throw new Error(`${SLUG}: could not stop container ${text}: ${engineMessage(e)}`);
    }
    if (await running()) {
      this.logger.warn(`${SLUG}: container ${text} still running ${grace}s after SIGTERM, sending SIGKILL`);
      await container.kill().catch((e: unknown) => {
        if (!containerGone(e) && statusOf(e) !== 409)
          throw new Error(`${SLUG}: could not kill container ${text}: ${engineMessage(e)}`);
      });
    }
  }
}

/** The registry an image reference names (Docker's rule: a first part with "." or ":", or localhost). */
export function registryOf(image: string): string {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : "docker.io";
}

/** A message with a secret replaced, for when an engine echoes what it was given. */
export function scrub(message: string, secret: string | undefined | null): string {
  return secret ? message.split(secret).join("********") : message;
}

/** "512m" / "2g" / 1048576 → bytes (Docker's units: b, k, m, g, binary). */
export function bytesOf(value: string | number, field: string): number {
  if (typeof value === "number") return value;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([bkmg]?)b?\s*$/i.exec(value);
  if (!m) throw new Error(`${SLUG}: ${field} "${value}" is not a size (bytes, or a number with b, k, m or g)`);
  const unit = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "b" | "k" | "m" | "g"];
  return Math.round(Number(m[1]) * unit);
}

/** Ordo's flow-run executor as an image runs it; it reads ORDO_FLOW_RUN_ID from the environment. */
export const EXECUTE_IN_IMAGE = ["ordo", "flow-run", "execute"] as const;

/** A command as an argument list; a string is split as a POSIX shell would (quotes, backslashes). */
export function commandOf(command: string | readonly string[] | null | undefined): string[] {
  if (command == null) return [];
  if (typeof command !== "string") return [...command];
  const args: string[] = [];
  let current = "";
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === "\\" && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) current += command[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (ch === "\\" && i + 1 < command.length) {
      current += command[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || current) args.push(current);
      current = "";
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new Error(`${SLUG}: the command has an unclosed ${quote} quote`);
  if (started || current) args.push(current);
  return args;
}
