// Runs a deployment's pull steps (prefect.yaml's `pull` section) to fetch the flow's code:
// set_working_directory, git_clone and pull_from_storage (Prefect's pull_with_block too), in order,
// each a one-key object; `{{ step-id.key }}`, `{{ key }}` and `{{ $ENV_VAR }}` refer to earlier outputs.
import { execFile } from "node:child_process";
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { StorageBlocks } from "./storage.js";

const run = promisify(execFile);

export class PullStepError extends Error {
  override name = "PullStepError";
}

export interface PullContext {
  /** where the steps start (the run's temp dir) */
  directory: string;
  storage: StorageBlocks;
  log(message: string): void;
}

type Args = Record<string, unknown>;
type Outputs = Record<string, string>;
type Step = (args: Args, cwd: { dir: string }, ctx: PullContext) => Promise<Outputs>;

// Prefect's names (prefect.deployments.steps.git_clone, 2.x's prefect.projects.steps.*), ours, and bare.
const PREFIXES = ["prefect.deployments.steps.", "prefect.projects.steps.", "ordo.deployments.steps."];
const ALIASES: Record<string, string> = { git_clone_project: "git_clone" };

const STEPS: Record<string, { args: readonly string[]; required: readonly string[]; step: Step }> = {
  set_working_directory: { args: ["directory"], required: ["directory"], step: setWorkingDirectory },
  git_clone: {
    args: ["repository", "branch", "commit_sha", "include_submodules", "access_token", "clone_directory_name"],
    required: ["repository"],
    step: gitClone,
  },
  pull_from_storage: { args: ["block", "path"], required: ["block"], step: (a, cwd, ctx) => pull(String(a.block), a.path, cwd, ctx) },
  pull_with_block: {
    args: ["block_type_slug", "block_document_name"],
    required: ["block_type_slug", "block_document_name"],
    step: (a, cwd, ctx) => pull(`${String(a.block_type_slug)}/${String(a.block_document_name)}`, undefined, cwd, ctx),
  },
};

/** Runs the steps; returns the folder the flow runs in: the last `directory` a step output, else where they started. */
export async function runPullSteps(steps: unknown, ctx: PullContext): Promise<string> {
  if (!Array.isArray(steps)) throw new PullStepError("pullSteps must be a list of steps");
  const cwd = { dir: ctx.directory };
  const outputs: Record<string, unknown> = {};
  let directory = ctx.directory;
  for (const [i, raw] of steps.entries()) {
    const where = `pullSteps[${i}]`;
    const keys = isObject(raw) ? Object.keys(raw) : [];
    if (!isObject(raw) || keys.length !== 1) throw new PullStepError(`${where}: a step is a one-key object { step_name: { …arguments } }`);
    const given = keys[0]!;
    const short = PREFIXES.reduce((n, p) => (n.startsWith(p) ? n.slice(p.length) : n), given);
    const name = ALIASES[short] ?? short;
    const spec = STEPS[name];
    if (!spec) throw new PullStepError(`${where}: unknown step "${given}" (known: ${Object.keys(STEPS).join(", ")})`);
    const body = raw[given] ?? {};
    if (!isObject(body)) throw new PullStepError(`${where}.${given}: the arguments must be an object`);
    // `id` names the step's outputs; `requires` installs Python packages in Prefect, nothing here
    const { id, requires: _requires, ...rest } = body;
    const args = resolveTemplates(rest, outputs, `${where}.${given}`) as Args;
    const unknown = Object.keys(args).filter((k) => !spec.args.includes(k));
    if (unknown.length) throw new PullStepError(`${where}.${given}: unknown argument ${unknown.join(", ")} (accepted: ${spec.args.join(", ")})`);
    const missing = spec.required.filter((k) => typeof args[k] !== "string" || args[k] === "");
    if (missing.length) throw new PullStepError(`${where}.${given}: ${missing.join(", ")} must be a non-empty string`);
    let result: Outputs;
    try {
      result = await spec.step(args, cwd, ctx);
    } catch (e) {
      throw new PullStepError(`${where} (${name}) failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    Object.assign(outputs, result);
    if (typeof id === "string") outputs[id] = result;
    if (result.directory) directory = result.directory;
  }
  return directory;
}

async function setWorkingDirectory(args: Args, cwd: { dir: string }, ctx: PullContext): Promise<Outputs> {
  const dir = path.resolve(cwd.dir, String(args.directory));
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new Error(`${dir} is not a directory`);
  cwd.dir = dir;
  ctx.log(`working directory: ${dir}`);
  return { directory: dir };
}

async function gitClone(args: Args, cwd: { dir: string }, ctx: PullContext): Promise<Outputs> {
  const repository = String(args.repository);
  const branch = optionalString(args.branch, "branch");
  const commit = optionalString(args.commit_sha, "commit_sha");
  const token = optionalString(args.access_token, "access_token");
  const repoName = path.basename(repository.replace(/[/\\]+$/, "")).replace(/\.git$/, "") || "repository";
  const dest = path.resolve(cwd.dir, optionalString(args.clone_directory_name, "clone_directory_name") ?? (branch ? `${repoName}-${branch}` : repoName));
  const url = token ? withToken(repository, token) : repository;
  const hide = (s: string) => (token ? s.split(token).join("****") : s);
  // a pinned commit needs the history; otherwise the tip is enough
  const cloneArgs = ["clone", ...(commit ? [] : ["--depth", "1"]), ...(branch ? ["--branch", branch] : []), ...(args.include_submodules === true ? ["--recurse-submodules"] : []), "--", url, dest];
  // never wait for a password prompt nobody will answer
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0" };
  for (let attempt = 1; ; attempt++) {
    try {
      ctx.log(`cloning ${hide(repository)}${branch ? ` (branch ${branch})` : ""} into ${dest}`);
      await run("git", cloneArgs, { env, maxBuffer: 16 * 1024 * 1024 });
      if (commit) await run("git", ["-C", dest, "checkout", "--detach", commit], { env });
      return { directory: dest };
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr?.trim();
      const message = hide(stderr || (e instanceof Error ? e.message : String(e)));
      await rm(dest, { recursive: true, force: true });
      // Prefect retries a clone 3 times: networks and forges have bad seconds
      if (attempt >= 3) throw new Error(`git clone failed: ${message}`);
      ctx.log(`git clone failed (attempt ${attempt} of 3): ${message}`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

async function pull(block: string, sub: unknown, cwd: { dir: string }, ctx: PullContext): Promise<Outputs> {
  const from = optionalString(sub, "path") ?? null;
  ctx.log(`pulling ${from ? `${from} of ` : ""}block ${block} into ${cwd.dir}`);
  await ctx.storage.getDirectory(block, from, cwd.dir);
  return { directory: cwd.dir };
}

function withToken(repository: string, token: string): string {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new Error("access_token needs an https:// repository URL");
  }
  if (url.protocol !== "https:") throw new Error("access_token needs an https:// repository URL");
  // GitHub takes the token as the user; GitLab and Bitbucket want it as the password of a fixed user
  if (url.hostname.includes("gitlab")) [url.username, url.password] = ["oauth2", token];
  else if (url.hostname.includes("bitbucket")) [url.username, url.password] = ["x-token-auth", token];
  else url.username = token;
  return url.toString();
}

const TEMPLATE = /\{\{\s*([\w.\-[\]$]+)\s*\}\}/g;

function resolveTemplates(value: unknown, outputs: Record<string, unknown>, where: string): unknown {
  if (typeof value === "string") {
    return value.replace(TEMPLATE, (_m, ref: string) => {
      if (ref.startsWith("$")) {
        const v = process.env[ref.slice(1)];
        if (v === undefined) throw new PullStepError(`${where}: environment variable ${ref.slice(1)} is not set`);
        return v;
      }
      const v = ref.split(".").reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), outputs);
      if (typeof v !== "string") throw new PullStepError(`${where}: {{ ${ref} }} is not an output of an earlier step (block and variable references are not supported)`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, outputs, where));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, outputs, where)]));
  return value;
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new Error(`${name} must be a string`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
