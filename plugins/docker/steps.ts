// The build_docker_image and push_docker_image deployment steps (prefect_docker.deployments.steps):
// build from a Dockerfile with .dockerignore honoured, push with optional credentials.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import ignoreImport from "ignore";
import { defineStep, type StepContext } from "ordo/blocks-sdk";
import { connectEngine, dockerHostOf, engineMessage, followProgress, type ProgressEvent } from "./engine.js";
import { registryOf, scrub } from "./docker-container.js";

// `ignore` is CommonJS (`export =`): under NodeNext its default import is the module object at type level.
const ignore = ((ignoreImport as unknown as { default?: typeof ignoreImport }).default ??
  ignoreImport) as typeof ignoreImport;

/** Prefect's default tag: the UTC time, slugified ("2026-12-05t07-45-12-123z"). */
export function timestampTag(now = new Date()): string {
  return now
    .toISOString()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function optionalString(args: Record<string, unknown>, name: string, step: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v === "") throw new Error(`${step}: ${name} must be a non-empty string`);
  return v;
}

function stringList(args: Record<string, unknown>, name: string, step: string): string[] {
  const v = args[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && x !== ""))
    throw new Error(`${step}: ${name} must be a list of strings`);
  return v as string[];
}

/**
 * The files of a build context (relative paths), skipping what .dockerignore matches (gitignore
 * syntax, which covers Docker's patterns and "!" exceptions). The Dockerfile is always sent, as Docker does.
 */
export async function buildContextEntries(contextDir: string, dockerfile: string): Promise<string[]> {
  const rules = ignore();
  try {
    rules.add(await readFile(path.join(contextDir, ".dockerignore"), "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const entries: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(contextDir, rel), { withFileTypes: true })) {
      const relativePath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${relativePath}/`)) await walk(relativePath);
      } else if (!rules.ignores(relativePath)) {
        entries.push(relativePath);
      }
    }
  };
  await walk("");
  const df = path.relative(contextDir, path.resolve(contextDir, dockerfile)).split(path.sep).join("/");
  if (!df.startsWith("..") && !entries.includes(df)) entries.push(df);
  return entries;
}

async function build(args: Record<string, unknown>, ctx: StepContext): Promise<Record<string, unknown>> {
  const step = "build_docker_image";
  const imageName = optionalString(args, "image_name", step);
  if (!imageName) throw new Error(`${step}: image_name is required`);
  const tag = optionalString(args, "tag", step) ?? timestampTag();
  const dockerfile = optionalString(args, "dockerfile", step) ?? "Dockerfile";
  const contextDir = path.resolve(ctx.directory, optionalString(args, "path", step) ?? ".");
  const additionalTags = stringList(args, "additional_tags", step);
  const platform = optionalString(args, "platform", step);
  const buildargs = args.buildargs ?? {};
  if (
    typeof buildargs !== "object" ||
    buildargs === null ||
    Array.isArray(buildargs) ||
    !Object.values(buildargs).every((v) => typeof v === "string")
  ) {
    throw new Error(`${step}: buildargs must be a map of strings`);
  }
  if (
    !(await stat(contextDir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new Error(`${step}: the build context ${contextDir} is not a folder`);
  if (path.relative(contextDir, path.resolve(contextDir, dockerfile)).startsWith(".."))
    throw new Error(`${step}: the Dockerfile ${dockerfile} must be inside the build context ${contextDir}`);
  if (
    !(await stat(path.resolve(contextDir, dockerfile)).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    throw new Error(`${step}: no Dockerfile ${dockerfile} in ${contextDir}`);

  const docker = await connectEngine(step, dockerHostOf());
  const image = `${imageName}:${tag}`;
  ctx.log(`${step}: building ${image} from ${path.join(contextDir, dockerfile)}`);
  const { pack } = await import("tar-fs");
  const entries = await buildContextEntries(contextDir, dockerfile);
  let imageId: string | undefined;
  try {
    const stream = await docker.buildImage(pack(contextDir, { entries }), {
      t: image,
      dockerfile,
      buildargs: buildargs as Record<string, string>,
      ...(platform ? { platform } : {}),
    });
    let partial = "";
    await followProgress(stream, (e: ProgressEvent) => {
      if (e.aux?.ID) imageId = e.aux.ID;
      if (typeof e.stream !== "string") return;
      const lines = (partial + e.stream).split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== "") ctx.log(line);
    });
    if (partial.trim() !== "") ctx.log(partial);
  } catch (e) {
    throw new Error(`${step}: building ${image} failed: ${engineMessage(e)}`);
  }
  const info = await docker
    .getImage(image)
    .inspect()
    .catch(() => null);
  imageId = info?.Id ?? imageId;
  for (const extra of additionalTags) {
    await docker.getImage(image).tag({ repo: imageName, tag: extra });
    ctx.log(`${step}: tagged ${imageName}:${extra}`);
  }
  ctx.log(`${step}: built ${image}${imageId ? ` (${imageId.slice(0, 19)})` : ""}`);
  return { image_name: imageName, tag, image, image_id: imageId ?? null, additional_tags: additionalTags };
}

async function push(args: Record<string, unknown>, ctx: StepContext): Promise<Record<string, unknown>> {
  const step = "push_docker_image";
  const imageName = optionalString(args, "image_name", step);
  if (!imageName) throw new Error(`${step}: image_name is required`);
  const tag = optionalString(args, "tag", step) ?? "latest";
  const additionalTags = stringList(args, "additional_tags", step);
  const credentials = args.credentials ?? null;
  if (credentials !== null && (typeof credentials !== "object" || Array.isArray(credentials)))
    throw new Error(`${step}: credentials must be an object with username, password and registry_url`);
  const creds = credentials as { username?: unknown; password?: unknown; registry_url?: unknown } | null;
  const password = typeof creds?.password === "string" ? creds.password : undefined;
  // the image's name says where it goes; credentials.registry_url is where they apply (Docker's login)
  const registry = registryOf(imageName);
  const serveraddress =
    typeof creds?.registry_url === "string" && creds.registry_url !== "" ? creds.registry_url : registry;
  const authconfig = creds
    ? { username: String(creds.username ?? ""), password: password ?? "", serveraddress }
    : undefined;

  const docker = await connectEngine(step, dockerHostOf());
  for (const t of [tag, ...additionalTags]) {
    ctx.log(`${step}: pushing ${imageName}:${t} to ${registry}`);
    try {
      const stream = await docker.getImage(imageName).push({ tag: t, ...(authconfig ? { authconfig } : {}) });
      await followProgress(stream as unknown as NodeJS.ReadableStream, (e) => {
        if (e.status && !e.error) ctx.log(scrub(e.status, password));
      });
    } catch (e) {
      // the engine's message may quote what it was sent: never the password
      throw new Error(
        `${step}: could not push ${imageName}:${t} to registry ${registry}: ${scrub(engineMessage(e), password)}`,
      );
    }
  }
  return { image_name: imageName, tag, image: `${imageName}:${tag}`, additional_tags: additionalTags };
}

export const buildDockerImage = defineStep({
  name: "build_docker_image",
  kind: "build",
  description:
    "builds a Docker image from a Dockerfile (the build context honours .dockerignore); outputs image_name, tag and image",
  args: ["image_name", "tag", "dockerfile", "path", "additional_tags", "buildargs", "platform"],
  required: ["image_name"],
  outputs: ["image_name", "tag", "image", "image_id", "additional_tags"],
  run: build,
});

export const pushDockerImage = defineStep({
  name: "push_docker_image",
  kind: "push",
  description: "pushes an image (and its additional tags) to its registry, with optional credentials",
  args: ["image_name", "tag", "credentials", "additional_tags"],
  required: ["image_name"],
  secretArgs: ["credentials"],
  outputs: ["image_name", "tag", "image", "additional_tags"],
  run: push,
});
