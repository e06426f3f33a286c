// build_docker_image and push_docker_image against a live engine: a build from a Dockerfile with
// COPY and a .dockerignore, its output streamed, and a push to a registry that is not there.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { StepContext } from "ordo/blocks-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDockerImage, pushDockerImage } from "./index.js";
import { connectEngine } from "./engine.js";
import { buildContextEntries, timestampTag } from "./steps.js";
import { DockerContainer } from "./docker-container.js";
import { BUSYBOX_IMAGE, containerEngine } from "./test-server.js";

const engine = await containerEngine();
if (engine.skip) console.warn(`plugins/docker: skipping the live engine step tests: ${engine.reason}`);

const TEST_LABEL = "ordo.test";
const RUN = randomUUID();
const IMAGE = `local/ordo-step-test-${RUN.slice(0, 8)}`;
let tmp: string;
let savedDockerHost: string | undefined;

function context(directory: string) {
  const logs: string[] = [];
  const ctx: StepContext = {
    directory,
    log: (m) => logs.push(m),
    createBlock: () => {
      throw new Error("not used");
    },
  };
  return { ctx, logs };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-docker-steps-"));
  const project = path.join(tmp, "project");
  await mkdir(path.join(project, "app/cache"), { recursive: true });
  await writeFile(
    path.join(project, "Dockerfile"),
    `FROM ${BUSYBOX_IMAGE}\nARG GREETING=unset\nCOPY . /app/\nRUN echo "greeting=$GREETING" > /app/built.txt\nCMD ["sh", "-c", "ls -a /app /app/app; cat /app/built.txt"]\n`,
  );
  await writeFile(path.join(project, ".dockerignore"), "secret.env\napp/cache/\n*.log\n!keep.log\n");
  await writeFile(path.join(project, "secret.env"), "TOKEN=do-not-ship\n");
  await writeFile(path.join(project, "debug.log"), "noise\n");
  await writeFile(path.join(project, "keep.log"), "kept\n");
  await writeFile(path.join(project, "flow.ts"), "export const x = 1;\n");
  await writeFile(path.join(project, "app/cache/big.bin"), "x");
  await writeFile(path.join(project, "app/main.ts"), "main\n");
  savedDockerHost = process.env.DOCKER_HOST;
  if (engine.dockerHost) process.env.DOCKER_HOST = engine.dockerHost;
});

afterAll(async () => {
  if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedDockerHost;
  if (engine.dockerHost) {
    await engine.removeLabelled(TEST_LABEL, RUN);
    const docker = await connectEngine("cleanup", engine.dockerHost);
    for (const ref of [`${IMAGE}:1`, `${IMAGE}:extra`, `127.0.0.1:1/ordo-test/pushme:1`])
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
  }
  await rm(tmp, { recursive: true, force: true });
});

describe("without an engine", () => {
  it("both steps say they need one, naming DOCKER_HOST", async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
    try {
      const { ctx } = context(path.join(tmp, "project"));
      await expect(buildDockerImage.run({ image_name: "x" }, ctx)).rejects.toThrow(
        "build_docker_image needs a Docker engine (DOCKER_HOST=unix:///nonexistent/docker.sock, none answered)",
      );
      await expect(pushDockerImage.run({ image_name: "x", tag: "1" }, ctx)).rejects.toThrow(
        "push_docker_image needs a Docker engine (DOCKER_HOST=unix:///nonexistent/docker.sock, none answered)",
      );
    } finally {
      process.env.DOCKER_HOST = saved;
    }
  });

  it("lists the build context as .dockerignore says, the Dockerfile always in", async () => {
    const entries = await buildContextEntries(path.join(tmp, "project"), "Dockerfile");
    expect(entries.sort()).toEqual([".dockerignore", "Dockerfile", "app/main.ts", "flow.ts", "keep.log"]);
    expect(timestampTag(new Date("2026-12-05T07:45:12.123Z"))).toBe("2026-12-05t07-45-12-123z");
  });

  it("declares Prefect's arguments, the credentials secret", () => {
    expect(buildDockerImage).toMatchObject({
      kind: "build",
      required: ["image_name"],
      outputs: expect.arrayContaining(["image_name", "tag", "image"]),
    });
    expect(buildDockerImage.args).toEqual(
      expect.arrayContaining(["image_name", "tag", "dockerfile", "path", "additional_tags", "buildargs"]),
    );
    expect(pushDockerImage).toMatchObject({ kind: "push", secretArgs: ["credentials"] });
  });
});

describe.skipIf(engine.skip)("on a live engine", () => {
  beforeAll(() => {
    expect(engine.dockerHost, engine.reason).not.toBeNull();
  });

  it("build_docker_image builds FROM a local image with COPY, skipping what .dockerignore matches, streaming the build", async () => {
    const { ctx, logs } = context(path.join(tmp, "project"));
    const out = await buildDockerImage.run(
      { image_name: IMAGE, tag: "1", additional_tags: ["extra"], buildargs: { GREETING: "hello" } },
      ctx,
    );
    expect(out).toMatchObject({ image_name: IMAGE, tag: "1", image: `${IMAGE}:1`, additional_tags: ["extra"] });
    expect(out.image_id).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
    expect(logs.some((l) => /COPY \. \/app\//.test(l))).toBe(true);

    // what went in: run the image
    const lines: string[] = [];
    const block = new DockerContainer(
      { image: `${IMAGE}:extra`, network_mode: "none", docker_host: engine.dockerHost, labels: { [TEST_LABEL]: RUN } },
      { logger: { debug() {}, info() {}, warn() {}, error() {} } },
    );
    const result = await block.run({ command: [], env: {}, onOutput: (_s, l) => lines.push(l) });
    expect(result.exitCode).toBe(0);
    const listing = lines.join(" ");
    for (const present of ["Dockerfile", "flow.ts", "keep.log", "main.ts", "greeting=hello"])
      expect(listing).toContain(present);
    for (const absent of ["secret.env", "debug.log", "cache"]) expect(listing).not.toContain(absent);
  });

  it("build_docker_image reports a failing build with the engine's reason", async () => {
    const dir = path.join(tmp, "broken");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nRUN exit 7\n`);
    const { ctx } = context(dir);
    await expect(buildDockerImage.run({ image_name: IMAGE, tag: "broken" }, ctx)).rejects.toThrow(
      new RegExp(`^build_docker_image: building ${IMAGE}:broken failed: .*exit`),
    );
    await expect(buildDockerImage.run({ image_name: IMAGE, tag: "x", dockerfile: "Nope" }, ctx)).rejects.toThrow(
      `build_docker_image: no Dockerfile Nope in ${dir}`,
    );
  });

  it("push_docker_image to a registry that does not answer fails naming it, never the password", async () => {
    const { ctx } = context(path.join(tmp, "project"));
    await buildDockerImage.run({ image_name: "127.0.0.1:1/ordo-test/pushme", tag: "1" }, ctx);
    const password = "pa55-w0rd-never-shown";
    const started = Date.now();
    const error = await pushDockerImage
      .run(
        {
          image_name: "127.0.0.1:1/ordo-test/pushme",
          tag: "1",
          credentials: { username: "ordo", password, registry_url: "127.0.0.1:1" },
        },
        ctx,
      )
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(
      /^push_docker_image: could not push 127\.0\.0\.1:1\/ordo-test\/pushme:1 to registry 127\.0\.0\.1:1: /,
    );
    expect(error?.message).not.toContain(password);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
