// Runs a deployment's pull steps (set_working_directory, git_clone, pull_from_storage, pull_with_block) in order, resolving their placeholders.
import { execFile } from "node:child_process";
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PULL_STEP_ALIASES, type PullStepName } from "../../blocks/index.js";
import { checkArgs, optionalString, parseStep, StepError, type ParsedStep, type StepSpec } from "../steps/step-spec.js";
import { blockValue, envValue, lookup, renderTemplates, TemplateError, type Reference } from "../steps/templating.js";
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
  /** a block document's data (secrets in clear), for `{{ ordo.blocks.<type>.<name> }}`; null when missing */
  blockData?(slug: string): Promise<Record<string, unknown> | null>;
}

type Args = Record<string, unknown>;
type Outputs = Record<string, string>;
type PullStep = StepSpec<{ cwd: { dir: string }; ctx: PullContext }>;

export { PULL_STEP_ALIASES };

/**
 * The pull steps a deployment may store (`ordo deploy` checks its `pull` section against these);
 * exactly the names blocks/pull-step-names.ts lists, which the server checks applyDeployment against.
 */
export const PULL_STEPS: Record<string, PullStep> = {
  set_working_directory: { args: ["directory"], required: ["directory"], outputs: ["directory"], run: (a, { cwd, ctx }) => setWorkingDirectory(a, cwd, ctx) },
  git_clone: {
    args: ["repository", "branch", "commit_sha", "include_submodules", "access_token", "clone_directory_name"],
    required: ["repository"],
    outputs: ["directory"],
    run: (a, { cwd, ctx }) => gitClone(a, cwd, ctx),
  },
  pull_from_storage: { args: ["block", "path"], required: ["block"], outputs: ["directory"], run: (a, { cwd, ctx }) => pull(String(a.block), a.path, cwd, ctx) },
  pull_with_block: {
    args: ["block_type_slug", "block_document_name"],
    required: ["block_type_slug", "block_document_name"],
    outputs: ["directory"],
    run: (a, { cwd, ctx }) => pull(`${String(a.block_type_slug)}/${String(a.block_document_name)}`, undefined, cwd, ctx),
  },
} satisfies Record<PullStepName, PullStep>;

/** Runs the steps; returns the folder the flow runs in: the last `directory` a step output, else where they started. */
export async function runPullSteps(steps: unknown, ctx: PullContext): Promise<string> {
  if (!Array.isArray(steps)) throw new PullStepError("pullSteps must be a list of steps");
  const cwd = { dir: ctx.directory };
  const outputs: Record<string, unknown> = {};
  let directory = ctx.directory;
  for (const [i, raw] of steps.entries()) {
    const where = `pullSteps[${i}]`;
    let step: ParsedStep;
    let args: Args;
    try {
      step = parseStep(raw, where, PULL_STEPS, PULL_STEP_ALIASES);
      args = (await renderTemplates(step.args, (ref) => resolveAtRunTime(ref, outputs, ctx, `${where}.${step.given}`))) as Args;
      checkArgs(args, PULL_STEPS[step.name]!, `${where}.${step.given}`);
    } catch (e) {
      if (e instanceof StepError || e instanceof TemplateError) throw new PullStepError(e.message);
      throw e;
    }
    let result: Outputs;
    try {
      result = (await PULL_STEPS[step.name]!.run(args, { cwd, ctx })) as Outputs;
    } catch (e) {
      throw new PullStepError(`${where} (${step.name}) failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    Object.assign(outputs, result);
    if (step.id) outputs[step.id] = result;
    if (result.directory) directory = result.directory;
  }
  return directory;
}

async function resolveAtRunTime(ref: Reference, outputs: Record<string, unknown>, ctx: PullContext, where: string): Promise<unknown> {
  try {
    return await resolve(ref, outputs, ctx);
  } catch (e) {
    throw e instanceof TemplateError ? new TemplateError(`${where}: ${e.message}`) : e;
  }
}

async function resolve(ref: Reference, outputs: Record<string, unknown>, ctx: PullContext): Promise<unknown> {
  switch (ref.kind) {
    case "env":
      return envValue(ref);
    case "block": {
      // `ordo deploy` leaves these for run time (Prefect's rule), so secrets stay in their blocks
      if (!ctx.blockData) throw new TemplateError(`{{ ${ref.raw} }}: block references cannot be resolved here`);
      const data = await ctx.blockData(`${ref.typeSlug}/${ref.name}`);
      if (!data) throw new TemplateError(`{{ ${ref.raw} }}: no block document ${ref.typeSlug}/${ref.name}`);
      return blockValue(ref, data);
    }
    case "variable":
      throw new TemplateError(`{{ ${ref.raw} }}: Ordo has no variables; use a block or an environment variable`);
    case "output": {
      const v = lookup(outputs, ref.path);
      if (v === undefined) throw new TemplateError(`{{ ${ref.raw} }} is not an output of an earlier step`);
      return v;
    }
  }
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
