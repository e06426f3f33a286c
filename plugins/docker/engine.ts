// The connection to a Docker-compatible engine (dockerode, loaded lazily): where DOCKER_HOST points,
// a bounded check that something answers there, and the engine's JSON-lines progress streams.
import type Dockerode from "dockerode";

/** Docker's own default when DOCKER_HOST is unset. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

const PING_TIMEOUT_MS = 3_000;

/** The block's docker_host, else DOCKER_HOST, else Docker's default socket. */
export function dockerHostOf(configured?: string | null): string {
  return configured || process.env.DOCKER_HOST || DEFAULT_DOCKER_HOST;
}

/** dockerode's connection options for a DOCKER_HOST value (unix://, tcp://, http(s)://, ssh://). */
export function connectionOptions(dockerHost: string): Dockerode.DockerOptions {
  if (dockerHost.startsWith("unix://"))
    return { socketPath: dockerHost.slice("unix://".length) || "/var/run/docker.sock" };
  if (dockerHost.startsWith("/")) return { socketPath: dockerHost };
  const url = new URL(dockerHost.includes("//") ? dockerHost : `tcp://${dockerHost}`);
  const protocol = url.protocol === "https:" ? "https" : url.protocol === "ssh:" ? "ssh" : "http";
  return {
    host: url.hostname,
    port: url.port || (protocol === "https" ? 2376 : protocol === "ssh" ? 22 : 2375),
    protocol,
    ...(url.username ? { username: url.username } : {}),
  };
}

/** The engine's address as an error may show it: without user information. */
export function displayHost(dockerHost: string): string {
  return dockerHost.replace(/\/\/[^@/]*@/, "//");
}

export class EngineUnavailableError extends Error {
  constructor(what: string, dockerHost: string) {
    super(`${what} needs a Docker engine (DOCKER_HOST=${displayHost(dockerHost)}, none answered)`);
    this.name = "EngineUnavailableError";
  }
}

/**
 * A dockerode client for `dockerHost`, once its _ping answered (within 3 s): a missing engine is
 * one clear error up front rather than a connection error (or a hang) halfway through a run.
 */
export async function connectEngine(what: string, dockerHost: string): Promise<Dockerode> {
  const { default: Docker } = await import("dockerode");
  const docker = new Docker(connectionOptions(dockerHost));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), PING_TIMEOUT_MS))),
    ]);
  } catch {
    throw new EngineUnavailableError(what, dockerHost);
  } finally {
    clearTimeout(timer);
  }
  return docker;
}

/** One event of a pull, push or build stream. */
export interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Reads a JSON-lines progress stream to its end, handing each event on; the first `error` event
 * rejects (docker-modem's followProgress does not treat those as failures).
 */
export function followProgress(
  stream: NodeJS.ReadableStream,
  onEvent: (e: ProgressEvent) => void = () => undefined,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    const events: ProgressEvent[] = [];
    let buffer = "";
    let failed: string | null = null;
    const take = (line: string) => {
      if (line.trim() === "") return;
      let event: ProgressEvent;
      try {
        event = JSON.parse(line) as ProgressEvent;
      } catch {
        event = { stream: line };
      }
      events.push(event);
      if (event.error || event.errorDetail?.message)
        failed ??= event.errorDetail?.message || event.error || "unknown error";
      onEvent(event);
    };
    stream.on("data", (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let at: number;
      while ((at = buffer.indexOf("\n")) >= 0) {
        take(buffer.slice(0, at));
        buffer = buffer.slice(at + 1);
      }
    });
    stream.once("error", reject);
    stream.once("end", () => {
      take(buffer);
      if (failed !== null) reject(new Error(failed));
      else resolve(events);
    });
  });
}

/** An HTTP status from a dockerode error (404 no such container/image, 304 not modified…). */
export function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null ? ((e as { statusCode?: number }).statusCode ?? undefined) : undefined;
}

/**
 * The container is gone: 404, or podman's 500 "… does not exist in database: no such container",
 * its answer to an inspect or stop that races the container's removal (a run's clean-up, auto_remove).
 */
export function containerGone(e: unknown): boolean {
  return statusOf(e) === 404 || (statusOf(e) === 500 && /no such container/i.test(engineMessage(e)));
}

/** The engine's message from a dockerode error, without dockerode's "(HTTP code N) status -" prefix. */
export function engineMessage(e: unknown): string {
  const json = (e as { json?: { message?: string } })?.json;
  if (json && typeof json.message === "string") return json.message.trim();
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}
