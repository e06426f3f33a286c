// Shared by the git plugin's tests: real repositories in a temporary folder, git's smart HTTP
// behind a token, a logger that keeps its lines, and small file helpers.
import "reflect-metadata";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import type { BlockLogger } from "../../src/blocks/index.js";
import { createRepository, startGitHttpServer, type GitHttpServer, type TestRepository } from "./test-server.js";

export const exec = promisify(execFile);
export const TOKEN = "ghp_T0kenForOrdoGitTests_5ecr3t";

export let tmp: string;
export let repo: TestRepository;
export let server: GitHttpServer;
export const logged: string[] = [];
export const logger: BlockLogger = {
  debug: (m) => logged.push(m),
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}
export const withoutGit = (files: string[]) =>
  files.filter((f) => !f.startsWith(".git/") && !f.includes("/.git/") && !f.endsWith(".git"));
export const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
export const out = async (name: string) => {
  const dir = path.join(tmp, "out", name);
  await mkdir(dir, { recursive: true });
  return dir;
};
/** The blocks' temporary folders (in this test file's own TMPDIR, see useGitRepositories). */
export const ordoGitTemps = async () => (await readdir(os.tmpdir())).filter((n) => n.startsWith("ordo-git-")).sort();

/** The message of the error `promise` rejects with. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

/** Each test file's own repositories (one with a submodule) and smart HTTP server behind TOKEN. */
export function useGitRepositories(): void {
  let systemTmp: string | undefined;
  beforeAll(async () => {
    logged.length = 0;
    tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-git-test-"));
    // the blocks' temporary clones go to a folder of this file's own (os.tmpdir() reads TMPDIR),
    // so ordoGitTemps() sees only them, not those of a test file running beside this one
    systemTmp = process.env.TMPDIR;
    process.env.TMPDIR = path.join(tmp, "tmp");
    await mkdir(process.env.TMPDIR);
    repo = await createRepository(path.join(tmp, "repos", "demo"), undefined, { submodule: true });
    server = await startGitHttpServer({ projectRoot: path.join(tmp, "repos"), token: TOKEN });
  });
  afterAll(async () => {
    if (systemTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = systemTmp;
    await server?.stop();
    await rm(tmp, { recursive: true, force: true });
  });
}
