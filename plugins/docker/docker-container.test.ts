// The docker-container block against a live engine (podman serving the Docker API, from
// .ci/container-engine.sh): output streaming, exit codes, env and labels, kill, missing images.
import { randomUUID } from "node:crypto";
import { InfrastructureNotFoundError, type BlockLogger, type InfrastructureJob } from "ordo/blocks-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin, { DockerContainer, type DockerContainerConfig } from "./index.js";
import { commandOf, bytesOf, registryOf } from "./docker-container.js";
import { connectEngine } from "./engine.js";
import { BUSYBOX_IMAGE, containerEngine } from "./test-server.js";

const engine = await containerEngine();
if (engine.skip) console.warn(`plugins/docker: skipping the live engine tests: ${engine.reason}`);

// every container a test creates carries this label; afterAll removes them by it
const TEST_LABEL = "ordo.test";
const RUN = randomUUID();
const logged: string[] = [];
const logger: BlockLogger = {
  debug: (m) => logged.push(m),
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};

const block = (config: Partial<DockerContainerConfig> = {}) =>
  new DockerContainer(
    {
      image: BUSYBOX_IMAGE,
      network_mode: "none",
      docker_host: engine.dockerHost,
      labels: { [TEST_LABEL]: RUN },
      ...config,
    },
    { logger },
  );

async function runCollecting(b: DockerContainer, job: Partial<InfrastructureJob> & { command: string[] }) {
  const lines: string[] = [];
  let started: string | null = null;
  const result = await b.run({
    env: {},
    ...job,
    onStart: (id) => (started = id),
    onOutput: (s, l) => lines.push(`${s}: ${l}`),
  });
  return { result, lines, started: started as string | null };
}

describe("definition", () => {
  it("declares the block type, the docker pool type and both steps", () => {
    expect(plugin.blockTypes.map((t) => [t.slug, t.capabilities])).toEqual([
      ["docker-container", ["run-infrastructure"]],
    ]);
    expect(plugin.workPoolTypes?.map((p) => [p.type, p.blockType])).toEqual([["docker", "docker-container"]]);
    expect(plugin.steps?.map((s) => [s.name, s.kind])).toEqual([
      ["build_docker_image", "build"],
      ["push_docker_image", "push"],
    ]);
    const schema = plugin.blockTypes[0]!.schema as { properties: Record<string, any> };
    expect(schema.properties.image_registry.properties.password).toMatchObject({ writeOnly: true });
  });

  it("parses commands, sizes and registries as Docker does", () => {
    expect(commandOf(`sh -c 'echo "a b"; exit 2' x\\ y ""`)).toEqual(["sh", "-c", `echo "a b"; exit 2`, "x y", ""]);
    expect(() => commandOf("echo 'open")).toThrow(/unclosed/);
    expect([bytesOf("512m", "m"), bytesOf("2g", "m"), bytesOf(1000, "m"), bytesOf("64kb", "m")]).toEqual([
      512 * 1024 ** 2,
      2 * 1024 ** 3,
      1000,
      65536,
    ]);
    expect(() => bytesOf("lots", "mem_limit")).toThrow(/mem_limit "lots" is not a size/);
    expect([
      registryOf("busybox"),
      registryOf("team/app:1"),
      registryOf("registry.example.com/app"),
      registryOf("localhost:5000/a"),
      registryOf("127.0.0.1:1/a/b:2"),
    ]).toEqual(["docker.io", "docker.io", "registry.example.com", "localhost:5000", "127.0.0.1:1"]);
  });

  it("says which engine did not answer, at once", async () => {
    const started = Date.now();
    const b = new DockerContainer({ image: BUSYBOX_IMAGE, docker_host: "unix:///nonexistent/docker.sock" }, { logger });
    await expect(b.run({ command: ["true"], env: {} })).rejects.toThrow(
      "docker-container needs a Docker engine (DOCKER_HOST=unix:///nonexistent/docker.sock, none answered)",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe.skipIf(engine.skip)("on a live engine", () => {
  beforeAll(() => {
    // ORDO_TEST_CONTAINER_ENGINE=required: no engine is a failure, not a skip
    expect(engine.dockerHost, engine.reason).not.toBeNull();
  });

  afterAll(async () => {
    await engine.removeLabelled(TEST_LABEL, RUN);
  });

  it("runs a command, streams stdout and stderr line by line, reports the exit code and removes the container", async () => {
    const script = "echo first; echo to stderr >&2; printf 'par'; sleep 0.2; printf 'tial\\nlast\\n'; exit 3";
    const { result, lines, started } = await runCollecting(block(), { command: ["sh", "-c", script] });
    expect(lines.filter((l) => l.startsWith("stdout"))).toEqual(["stdout: first", "stdout: partial", "stdout: last"]);
    expect(lines).toContain("stderr: to stderr");
    expect(result).toEqual({ pid: 0, exitCode: 3, signal: null });
    expect(started).toMatch(/^[0-9a-f]{64}$/);
    const docker = await connectEngine("test", engine.dockerHost!);
    await expect(docker.getContainer(started!).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("passes the job's env and labels over the block's, its working directory, and the block's command when the job has none", async () => {
    const b = block({
      env: { FROM_BLOCK: "block", BOTH: "block", UNSET: null },
      labels: { [TEST_LABEL]: RUN, "from.block": "yes" },
      command: "sh -c 'echo $FROM_BLOCK,$BOTH,$FROM_JOB,${UNSET-unset} $(pwd); sleep 1'",
    });
    const docker = await connectEngine("test", engine.dockerHost!);
    let labels: Record<string, string> = {};
    const lines: string[] = [];
    const result = await b.run({
      command: [],
      env: { BOTH: "job", FROM_JOB: "job" },
      labels: { "ordo.flow-run-id": "run-1" },
      workingDir: "/tmp",
      onStart: (id) =>
        void docker
          .getContainer(id)
          .inspect()
          .then((i) => (labels = i.Config.Labels)),
      onOutput: (_s, l) => lines.push(l),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(["block,job,job,unset /tmp"]);
    expect(labels).toMatchObject({ [TEST_LABEL]: RUN, "from.block": "yes", "ordo.flow-run-id": "run-1" });
  });

  it("kill stops a long sleep within the grace period: with init, PID 1 passes SIGTERM on", async () => {
    const b = block();
    let id: string | null = null;
    const running = b.run({ command: ["sleep", "300"], env: {}, onStart: (i) => (id = i) });
    await expect.poll(() => id, { timeout: 10_000 }).not.toBeNull();
    const started = Date.now();
    await b.kill(id!, 5);
    const result = await running;
    // SIGTERM ended it: well inside the 5 s grace, and not by SIGKILL (137)
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.exitCode).toBe(143);
    await expect(b.kill(id!, 1)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
  });

  it("stops the container when the job's signal aborts", async () => {
    const b = block({ stop_timeout: 1 });
    const abort = new AbortController();
    const running = b.run({ command: ["sleep", "300"], env: {}, signal: abort.signal, onStart: () => abort.abort() });
    const result = await running;
    expect(result.exitCode).toBe(143);
    expect(result.signal).toBe("SIGTERM");
  });

  it("fails clearly and fast for a missing image, with IF_NOT_PRESENT (no registry reachable) and NEVER, leaving no container", async () => {
    const docker = await connectEngine("test", engine.dockerHost!);
    const before = (await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${RUN}`] } })).length;
    let started = Date.now();
    await expect(block({ image: "local/missing:1" }).run({ command: ["true"], env: {} })).rejects.toThrow(
      /^image "local\/missing:1" not found: docker-container could not pull it from docker\.io: /,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    started = Date.now();
    await expect(
      block({ image: "local/missing:1", image_pull_policy: "NEVER" }).run({ command: ["true"], env: {} }),
    ).rejects.toThrow(
      'image "local/missing:1" not found on the engine (docker-container: image_pull_policy is NEVER, so nothing is pulled)',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${RUN}`] } })).length).toBe(
      before,
    );
  });

  it("never puts the registry password in a pull error", async () => {
    const password = "s3cr3t-pull-password";
    const b = block({
      image: "127.0.0.1:1/ordo-test/missing:1",
      image_registry: { username: "ordo", password, registry_url: "127.0.0.1:1" },
    });
    const error = await b.run({ command: ["true"], env: {} }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /^image "127\.0\.0\.1:1\/ordo-test\/missing:1" not found: docker-container could not pull it from 127\.0\.0\.1:1/,
    );
    expect(error?.message).not.toContain(password);
    expect(logged.join("\n")).not.toContain(password);
  });

  it("kill of a container that does not exist, or of a non-container id, is InfrastructureNotFoundError", async () => {
    await expect(block().kill("0123456789ab0123456789ab", 1)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
    await expect(block().kill("myhost:1234", 1)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
  });

  it("keeps nothing behind with auto_remove, and applies the memory limit and init", async () => {
    const docker = await connectEngine("test", engine.dockerHost!);
    let id: string | null = null;
    let hostConfig: Record<string, unknown> = {};
    const { result, lines, started } = await runCollecting(block({ auto_remove: true }), {
      command: ["sh", "-c", "echo done; sleep 0.5"],
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(["stdout: done"]);
    // the engine removes it as it exits (an inspect meanwhile may see it half gone: HTTP 500)
    await expect
      .poll(
        () =>
          docker
            .getContainer(started!)
            .inspect()
            .then(
              () => 200,
              (e: { statusCode?: number }) => e.statusCode,
            ),
        { timeout: 5_000 },
      )
      .toBe(404);
    const b = block({ mem_limit: "64m" });
    const run = b.run({
      command: ["sleep", "1"],
      env: {},
      onStart: (i) => {
        id = i;
        void docker
          .getContainer(i)
          .inspect()
          .then((info) => (hostConfig = info.HostConfig as Record<string, unknown>));
      },
    });
    await run;
    expect(id).not.toBeNull();
    expect(hostConfig).toMatchObject({ Memory: 64 * 1024 ** 2, Init: true, NetworkMode: "none" });
  });
});
