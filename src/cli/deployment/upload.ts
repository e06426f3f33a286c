// Uploading a project folder to a storage block named by slug (`type/name[/sub/path]`): the file
// set (minus .ordoignore matches), its content hash (a build's default version) and the upload
// itself through the block plugins, as the executor later downloads it.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { listLocalFiles } from "../../blocks/sdk-folders.js";
import { CliDeploymentBlockDocument } from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import { CliError } from "../common/errors.js";
import { progress } from "../common/output.js";

export const IGNORE_FILE = ".ordoignore";

/** Written by `build` when a folder has no .ordoignore, as Prefect writes its .prefectignore. */
export const DEFAULT_IGNORE = `# What \`ordo deployment build\` leaves out when it uploads this folder (gitignore syntax).
node_modules/
.git/
.env
.env.*
*.log
.DS_Store
.idea/
.vscode/
coverage/
# files written by \`ordo deployment build\`
*-deployment.yaml
`;

/** `type/name[/sub/path]`, as -sb takes it and applyDeployment's storageBlock accepts it. */
export interface StorageRef {
  /** blockTypeSlug/name: the block document's slug */
  block: string;
  /** a folder inside the block, or null for its root */
  path: string | null;
  /** block and path together */
  slug: string;
}

export function parseStorageRef(raw: string, flag = "--storage-block"): StorageRef {
  const parts = raw.trim().replace(/\/+$/, "").split("/");
  if (parts.length < 2 || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new CliError(
      `${flag} takes block-type/block-name or block-type/block-name/path (e.g. local-file-system/code), not "${raw}"`,
    );
  }
  const block = `${parts[0]}/${parts[1]}`;
  const sub = parts.slice(2).join("/");
  return { block, path: sub || null, slug: sub ? `${block}/${sub}` : block };
}

/** The ref with `sub` appended to its path (build's --path). */
export function withSubPath(ref: StorageRef, sub: string | null | undefined): StorageRef {
  if (!sub) return ref;
  return parseStorageRef(`${ref.slug}/${sub.replace(/^\/+/, "")}`, "--path");
}

/** Checks the block exists and can take uploads, with reasons a person can act on. */
export async function checkStorageBlock(client: OrdoClient, ref: StorageRef, needsUpload: boolean): Promise<void> {
  const doc = (await client.request(CliDeploymentBlockDocument, { slug: ref.block })).blockDocument;
  if (!doc)
    throw new CliError(
      `no storage block "${ref.block}" on the server (\`ordo block ls\` lists them; the slug is block-type/block-name)`,
    );
  const capabilities = doc.blockSchema.capabilities;
  if (!capabilities.includes("get-directory"))
    throw new CliError(
      `block "${ref.block}" is not a storage block: its type cannot give a worker the flow's files (no get-directory capability)`,
    );
  if (needsUpload && !capabilities.includes("put-directory")) {
    throw new CliError(
      `block "${ref.block}" cannot take uploads (its type has no put-directory capability): put the files there another way`,
    );
  }
}

export interface FileSetOptions {
  /** extra paths relative to the folder to leave out (the deployment file being written, …) */
  exclude?: string[];
}

/**
 * The files an upload of `dir` copies, relative with "/", sorted: .ordoignore's rules (the default
 * ones when there is none) applied as the local-file-system block applies them.
 */
export async function listUploadFiles(dir: string, options: FileSetOptions = {}): Promise<string[]> {
  const files = await listLocalFiles(dir, null, { rules: await ignoreRules(dir, options) });
  return files.map((f) => f.relativePath).sort();
}

/** A content hash of the files (paths and bytes): unchanged files, unchanged version. */
export async function hashFiles(dir: string, files: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(
      createHash("sha256")
        .update(await readFile(path.join(dir, file)))
        .digest("hex"),
    );
    hash.update("\n");
  }
  return hash.digest("hex").slice(0, 32);
}

/** Writes the default .ordoignore when the folder has none; true when it did. */
export async function ensureIgnoreFile(dir: string): Promise<boolean> {
  try {
    await writeFile(path.join(dir, IGNORE_FILE), DEFAULT_IGNORE, { flag: "wx" });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new CliError(`cannot write ${path.join(dir, IGNORE_FILE)}: ${(e as Error).message}`);
  }
}

/**
 * Uploads `dir` (minus .ordoignore matches and `exclude`) into the storage block, reporting
 * progress on stderr. The block is built here from its plugin, as a worker builds it to download.
 */
export async function uploadFolder(
  client: OrdoClient,
  ref: StorageRef,
  dir: string,
  options: FileSetOptions = {},
): Promise<{ files: number }> {
  progress(`Uploading ${dir} to ${ref.slug} …`);
  // the block honours one ignore file: .ordoignore plus the exclusions, written to a temp file
  const temp = await mkdtemp(path.join(os.tmpdir(), "ordo-upload-"));
  try {
    const ignoreFile = path.join(temp, IGNORE_FILE);
    await writeFile(ignoreFile, await ignoreRules(dir, options));
    // the plugin machinery (loader, Ajv, the container) loads only when a folder is uploaded
    const [{ ExecutorApi }, { StorageBlocks }, { cliBlockLogger, pluginPackages }] = await Promise.all([
      import("../../worker/executor/run-api.js"),
      import("../../worker/executor/storage.js"),
      import("../common/plugins.js"),
    ]);
    const storage = new StorageBlocks(
      new ExecutorApi(client, { retryForMs: 10_000 }),
      cliBlockLogger(),
      pluginPackages(),
    );
    const { files } = await storage.putDirectory(ref.block, dir, ref.path, ignoreFile).catch((e: unknown) => {
      throw new CliError(`upload to ${ref.slug} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    progress(`Uploaded ${files} file${files === 1 ? "" : "s"} to ${ref.slug}`);
    return { files };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function ignoreRules(dir: string, options: FileSetOptions): Promise<string> {
  const own = await readFile(path.join(dir, IGNORE_FILE), "utf8").catch((e: NodeJS.ErrnoException) => {
    // no .ordoignore: the defaults, so node_modules and .git are never shipped by accident
    if (e.code === "ENOENT") return DEFAULT_IGNORE;
    throw new CliError(`cannot read ${path.join(dir, IGNORE_FILE)}: ${e.message}`);
  });
  // anchored, with gitignore's special characters escaped: exactly these files
  const extra = (options.exclude ?? []).map((p) => `/${p.replace(/[\\*?[\]]/g, (c) => `\\${c}`)}`);
  return [own, ...extra].join("\n");
}
