// Shared by both git block types (github, git-repository): clone a repository into a temporary
// folder with the git CLI, copy a folder of it out, always remove the temporary folder.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, realpath, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keyUnder, PathOutsideBlockError, type BlockLogger } from "ordo/blocks-sdk";
import { displayUrl, gitAuth, scrub, urlSecrets, type GitAuth } from "./git-auth.js";

export interface CloneSpec {
  /** the block type's slug, named in every message */
  blockType: string;
  url: string;
  /** branch or tag */
  reference?: string | null;
  /** a commit to check out; wins over `reference` */
  commitSha?: string | null;
  username?: string | null;
  /** token or password, sent as HTTP Basic credentials */
  secret?: string | null;
  includeSubmodules?: boolean;
  /** commits of history to fetch; 0 = all of it. Default 1. */
  depth?: number;
  /** sparse checkout: only these folders (plus the top-level files) */
  directories?: readonly string[] | null;
  /** keep .git (and submodules' .git files) in the copy. Default true. */
  includeGitObjects?: boolean;
}

export class GitCloneError extends Error {
  override name = "GitCloneError";
}

/** How long one git command may take before it is stopped (a stalled network, a server that never answers). */
const GIT_COMMAND_TIMEOUT_MS = 10 * 60_000;
/** How much of git's stderr a message quotes: the end, where git says what went wrong. */
const STDERR_TAIL = 2_000;

/** Whether git treats `url` as a repository on this machine (file:// or a path), not a remote one. */
export function isLocalRepository(url: string): boolean {
  if (/^file:/i.test(url)) return true;
  // not scheme://…, nor scp-like [user@]host:path (a one-letter "host" is a Windows drive)
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/\\]+@[^/\\]+:/.test(url) && !/^[^/\\:]{2,}:/.test(url);
}

/**
 * Copies `from` (a folder of the repository; null: all of it) into `localPath`. `from` may not
 * leave the repository (PathOutsideBlockError, before anything is cloned). Errors name the block
 * type and the repository and never contain the secret, in any form.
 */
export async function getRepositoryDirectory(
  spec: CloneSpec,
  from: string | null,
  localPath: string,
  logger?: BlockLogger,
): Promise<void> {
  // lexical check first: a `from` escaping the repository is refused without touching the network
  const relative = keyUnder(null, from);
  const shown = displayUrl(spec.url);
  const what = `${spec.blockType} block (repository ${shown}${spec.commitSha ? `, commit ${spec.commitSha}` : spec.reference ? `, reference ${spec.reference}` : ""})`;
  // an argument-looking URL or reference would be read by git as an option
  if (spec.url.startsWith("-")) throw new GitCloneError(`${what}: the repository URL may not start with "-"`);
  if (spec.reference?.startsWith("-")) throw new GitCloneError(`${what}: the reference may not start with "-"`);
  let auth: GitAuth | null = null;
  try {
    auth = spec.secret ? gitAuth(spec.url, spec.secret, spec.username, what) : null;
  } catch (e) {
    throw new GitCloneError((e as Error).message);
  }
  const secrets = [...(auth?.secrets ?? []), ...urlSecrets(spec.url)];
  const env = gitEnvironment(auth, isLocalRepository(spec.url));
  const hint = (stderr: string) => authHint(stderr, auth !== null || secrets.length > 0);
  const run = (args: string[], cwd?: string) => git(args, { cwd, env }, secrets, what, hint);

  const tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-git-"));
  try {
    const repo = path.join(tmp, "repo");
    logger?.info(
      `${spec.blockType}: cloning ${shown}${spec.commitSha ? ` at ${spec.commitSha}` : spec.reference ? ` (${spec.reference})` : ""}`,
    );
    if (spec.commitSha) await fetchCommit(spec, spec.commitSha, repo, run, what);
    else await cloneReference(spec, repo, run);

    // credentials written into the URL must not stay in the copied .git/config
    if (urlSecrets(spec.url).length > 0) await run(["remote", "set-url", "origin", shown], repo);

    const source = path.join(repo, relative);
    const isDir = await stat(source).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new GitCloneError(`${what}: "${from ?? "."}" is not a folder of the repository`);
    // a symlink committed in the repository must not lead the copy outside it
    const [realRepo, realSource] = await Promise.all([realpath(repo), realpath(source)]);
    const rel = path.relative(realRepo, realSource);
    if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
      throw new PathOutsideBlockError(from ?? "");

    await mkdir(localPath, { recursive: true });
    const keepGit = spec.includeGitObjects ?? true;
    await cp(source, localPath, {
      recursive: true,
      force: true,
      // links stay as committed: resolved, they would point into the temporary folder removed below
      verbatimSymlinks: true,
      filter: (src) => keepGit || path.basename(src) !== ".git",
    });
    logger?.info(`${spec.blockType}: copied ${from ?? "the repository"} of ${shown} into ${localPath}`);
  } catch (e) {
    if (e instanceof GitCloneError || e instanceof PathOutsideBlockError) throw e;
    throw new GitCloneError(`${what}: ${scrub(e instanceof Error ? e.message : String(e), secrets)}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

type Run = (args: string[], cwd?: string) => Promise<string>;

/** A branch or tag (or the default branch): one `git clone`, shallow unless depth is 0. */
async function cloneReference(spec: CloneSpec, repo: string, run: Run): Promise<void> {
  const depth = spec.depth ?? 1;
  const sparse = (spec.directories?.length ?? 0) > 0;
  const args = ["clone", "--quiet"];
  if (depth > 0) args.push("--depth", String(depth));
  if (spec.reference) args.push("--branch", spec.reference);
  // blobs outside the chosen folders are never downloaded
  if (sparse) args.push("--filter=blob:none", "--sparse");
  else if (spec.includeSubmodules) args.push("--recurse-submodules", ...(depth > 0 ? ["--shallow-submodules"] : []));
  await run([...args, "--", spec.url, repo]);
  if (sparse) {
    await run(["sparse-checkout", "set", ...spec.directories!], repo);
    if (spec.includeSubmodules)
      await run(
        ["submodule", "update", "--init", "--recursive", ...(depth > 0 ? ["--depth", String(depth)] : [])],
        repo,
      );
  }
}

/**
 * A pinned commit: fetch just it (protocol v2 servers — GitHub, GitLab, git ≥ 2.26 — accept any
 * full object id) at the requested depth; a server that refuses, or an abbreviated id, gets the
 * whole history fetched and the commit looked up in it.
 */
async function fetchCommit(spec: CloneSpec, sha: string, repo: string, run: Run, what: string): Promise<void> {
  const depth = spec.depth ?? 1;
  await run(["init", "--quiet", repo]);
  await run(["remote", "add", "origin", spec.url], repo);
  if ((spec.directories?.length ?? 0) > 0) await run(["sparse-checkout", "set", ...spec.directories!], repo);
  let target = sha;
  let fetched = false;
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha)) {
    try {
      await run(["fetch", "--quiet", ...(depth > 0 ? ["--depth", String(depth)] : []), "origin", sha], repo);
      target = "FETCH_HEAD";
      fetched = true;
    } catch {
      // refused by the server (or unreachable): the full fetch below reports the real problem
    }
  }
  if (!fetched) await run(["fetch", "--quiet", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*"], repo);
  try {
    await run(["checkout", "--quiet", "--detach", target], repo);
  } catch {
    throw new GitCloneError(`${what}: the commit is not in the repository's history`);
  }
  if (spec.includeSubmodules)
    await run(["submodule", "update", "--init", "--recursive", ...(depth > 0 ? ["--depth", String(depth)] : [])], repo);
}

/**
 * The environment every git command runs with: no prompt that nobody would answer, only known
 * transports, and the credentials as configuration in the environment — never in argv (other users
 * of the machine can read argv) nor in the URL (which git prints).
 */
export function gitEnvironment(auth: GitAuth | null, local: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    // an empty GIT_ASKPASS disables every askpass program (core.askPass, SSH_ASKPASS included)
    GIT_ASKPASS: "",
    GCM_INTERACTIVE: "never",
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? "ssh -o BatchMode=yes",
    // ext:: runs commands; file:// submodules of a remote repository could read this machine's repositories
    GIT_ALLOW_PROTOCOL: process.env.GIT_ALLOW_PROTOCOL ?? (local ? "file:git:http:https:ssh" : "git:http:https:ssh"),
    // a transfer stalled below 1 kB/s for a minute is aborted rather than waited on forever
    GIT_HTTP_LOW_SPEED_LIMIT: process.env.GIT_HTTP_LOW_SPEED_LIMIT ?? "1000",
    GIT_HTTP_LOW_SPEED_TIME: process.env.GIT_HTTP_LOW_SPEED_TIME ?? "60",
    // git's trace output would otherwise show the Authorization header
    GIT_TRACE_REDACT: "1",
    LC_ALL: "C",
  };
  delete env.GIT_CURL_VERBOSE;
  if (auth) {
    const base = Number.parseInt(process.env.GIT_CONFIG_COUNT ?? "0", 10) || 0;
    const entries: [string, string][] = [
      [auth.configKey, auth.header],
      // the block's token is the answer: a stored credential must not be tried (nor erased on a 401)
      ["credential.helper", ""],
    ];
    entries.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${base + i}`] = key;
      env[`GIT_CONFIG_VALUE_${base + i}`] = value;
    });
    env.GIT_CONFIG_COUNT = String(base + entries.length);
  }
  return env;
}

/** What git's words mean when authentication fails: it asks for a username even after refusing the token. */
function authHint(stderr: string, hadCredentials: boolean): string {
  if (
    !/could not read (Username|Password)|Authentication failed|terminal prompts disabled|\b401\b|\b403\b/i.test(stderr)
  )
    return "";
  return hadCredentials
    ? "the server refused the block's credentials (check the token and its access to the repository): "
    : "the repository needs credentials, and the block has none: ";
}

function git(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
  secrets: readonly string[],
  what: string,
  hint: (stderr: string) => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { ...options, timeout: GIT_COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = (stderr || error.message).trim().slice(-STDERR_TAIL);
        const timedOut = error.killed ? ` (stopped after ${GIT_COMMAND_TIMEOUT_MS / 1000} s)` : "";
        reject(
          new GitCloneError(`${what}: git ${args[0]} failed${timedOut}: ${hint(detail)}${scrub(detail, secrets)}`),
        );
      },
    );
  });
}
