// Runs a deployment's pull steps (Ordo's own — set_working_directory, git_clone, pull_from_storage,
// pull_with_block, pull_from_remote_storage — and the plugins', e.g. pull_from_s3) in order,
// resolving their placeholders.
import { execFile } from "node:child_process";
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import {
  PULL_STEP_ALIASES,
  shortStepName,
  type BlockRegistry,
  type GetDirectory,
  type PullStepName,
  type StepDefinition,
} from "../../blocks/index.js";
import { checkArgs, optionalString, parseStep, StepError, type ParsedStep, type StepSpec } from "../steps/step-spec.js";
import { blockValue, envValue, lookup, renderTemplates, TemplateError, type Reference } from "../steps/templating.js";
import { displayRepository, gitCredentials, scrubSecrets } from "./git-credentials.js";
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
 * Ordo's own pull steps (`ordo deploy` checks its `pull` section against these and the plugins');
 * exactly the names blocks/step-names.ts lists, which the server checks applyDeployment against.
 */
export const PULL_STEPS: Record<string, PullStep> = {
  set_working_directory: {
    args: ["directory"],
    required: ["directory"],
    outputs: ["directory"],
    run: (a, { cwd, ctx }) => setWorkingDirectory(a, cwd, ctx),
  },
  git_clone: {
    args: [
      "repository",
      "branch",
      "commit_sha",
      "include_submodules",
      "access_token",
      "credentials",
      "clone_directory_name",
    ],
    required: ["repository"],
    outputs: ["directory"],
    run: (a, { cwd, ctx }) => gitClone(a, cwd, ctx),
  },
  pull_from_storage: {
    args: ["block", "path"],
    required: ["block"],
    outputs: ["directory"],
    run: (a, { cwd, ctx }) => pull(String(a.block), a.path, cwd, ctx),
  },
  pull_with_block: {
    args: ["block_type_slug", "block_document_name"],
    required: ["block_type_slug", "block_document_name"],
    outputs: ["directory"],
    run: (a, { cwd, ctx }) =>
      pull(`${String(a.block_type_slug)}/${String(a.block_document_name)}`, undefined, cwd, ctx),
  },
  // Prefect's: a URL and its file system's settings (key, secret, endpoint_url…) as further arguments
  pull_from_remote_storage: {
    args: ["url"],
    required: ["url"],
    outputs: ["directory"],
    extraArgs: true,
    run: (a, { cwd, ctx }) => pullFromRemoteStorage(a, cwd, ctx),
  },
} satisfies Record<PullStepName, PullStep>;

/** A plugin's pull step as the runner calls it: the SDK's context built from the run's. */
export function pluginPullStep(step: StepDefinition, registry: BlockRegistry): PullStep {
  return {
    args: step.args,
    required: step.required,
    outputs: step.outputs,
    run: (args, { cwd, ctx }) =>
      step.run(args, {
        directory: cwd.dir,
        log: ctx.log,
        createBlock: (slug, config) => registry.createInstance(slug, config, ctx.storage.blockContainer()),
      }),
  };
}

/**
 * The table the steps are parsed against: Ordo's own, plus the loaded plugins' pull steps when a
 * step names one (plugins load only then: most deployments use Ordo's own steps).
 */
async function stepTable(steps: unknown[], ctx: PullContext): Promise<Record<string, PullStep>> {
  // a malformed step is reported by the parse, plugins or not
  const names = steps.flatMap((s) =>
    s !== null && typeof s === "object" && Object.keys(s).length === 1 ? Object.keys(s) : [],
  );
  if (names.every((n) => shortStepName(n, PULL_STEP_ALIASES) in PULL_STEPS)) return PULL_STEPS;
  const registry: BlockRegistry = await ctx.storage.plugins();
  const table: Record<string, PullStep> = { ...PULL_STEPS };
  for (const name of registry.stepNames("pull"))
    table[name] = pluginPullStep(registry.step(name)!.definition, registry);
  return table;
}

/** Runs the steps; returns the folder the flow runs in: the last `directory` a step output, else where they started. */
export async function runPullSteps(steps: unknown, ctx: PullContext): Promise<string> {
  if (!Array.isArray(steps)) throw new PullStepError("pullSteps must be a list of steps");
  const cwd = { dir: ctx.directory };
  const outputs: Record<string, unknown> = {};
  const table = await stepTable(steps, ctx);
  let directory = ctx.directory;
  for (const [i, raw] of steps.entries()) {
    const where = `pullSteps[${i}]`;
    let step: ParsedStep;
    let args: Args;
    try {
      step = parseStep(raw, where, table, PULL_STEP_ALIASES);
      args = (await renderTemplates(step.args, (ref) =>
        resolveAtRunTime(ref, outputs, ctx, `${where}.${step.given}`),
      )) as Args;
      checkArgs(args, table[step.name]!, `${where}.${step.given}`);
    } catch (e) {
      if (e instanceof StepError || e instanceof TemplateError) throw new PullStepError(e.message);
      throw e;
    }
    let result: Outputs;
    try {
      result = (await table[step.name]!.run(args, { cwd, ctx })) as Outputs;
    } catch (e) {
      throw new PullStepError(`${where} (${step.name}) failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    Object.assign(outputs, result);
    if (step.id) outputs[step.id] = result;
    if (typeof result.directory === "string" && result.directory) directory = result.directory;
  }
  return directory;
}

async function resolveAtRunTime(
  ref: Reference,
  outputs: Record<string, unknown>,
  ctx: PullContext,
  where: string,
): Promise<unknown> {
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
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new Error(`${dir} is not a directory`);
  cwd.dir = dir;
  ctx.log(`working directory: ${dir}`);
  return { directory: dir };
}

/** What git prints when retrying cannot help: refused credentials, no such repository or branch. */
const PERMANENT_GIT_FAILURE =
  /Authentication failed|could not read Username|terminal prompts disabled|returned error: 40[134]|does not exist|not found in upstream|Remote branch .* not found|did not match any file/i;

async function gitClone(args: Args, cwd: { dir: string }, ctx: PullContext): Promise<Outputs> {
  const repository = String(args.repository);
  const branch = optionalString(args.branch, "branch");
  const commit = optionalString(args.commit_sha, "commit_sha");
  const { token, username } = tokenOf(args);
  const shown = displayRepository(repository);
  const repoName = path.basename(repository.replace(/[/\\]+$/, "")).replace(/\.git$/, "") || "repository";
  const dest = path.resolve(
    cwd.dir,
    optionalString(args.clone_directory_name, "clone_directory_name") ?? (branch ? `${repoName}-${branch}` : repoName),
  );
  const auth = token ? gitCredentials(repository, token, username) : { env: {}, secrets: [] };
  const hide = (s: string) => scrubSecrets(displayRepository(s), auth.secrets);
  // a pinned commit needs the history; otherwise the tip is enough
  const cloneArgs = [
    "clone",
    ...(commit ? [] : ["--depth", "1"]),
    ...(branch ? ["--branch", branch] : []),
    ...(args.include_submodules === true ? ["--recurse-submodules"] : []),
    "--",
    repository,
    dest,
  ];
  // never wait for a password prompt nobody will answer
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GCM_INTERACTIVE: "never", ...auth.env };
  for (let attempt = 1; ; attempt++) {
    try {
      ctx.log(`cloning ${shown}${branch ? ` (branch ${branch})` : ""} into ${dest}`);
      await run("git", cloneArgs, { env, maxBuffer: 16 * 1024 * 1024 });
      if (commit) await run("git", ["-C", dest, "checkout", "--detach", commit], { env });
      return { directory: dest };
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr?.trim();
      const message = hide(stderr || (e instanceof Error ? e.message : String(e)));
      await rm(dest, { recursive: true, force: true });
      // Prefect retries a clone 3 times: networks and forges have bad seconds — but refused
      // credentials or a missing repository stay so
      if (attempt >= 3 || PERMANENT_GIT_FAILURE.test(message))
        throw new Error(`git clone of ${shown} failed: ${message}`);
      ctx.log(`git clone of ${shown} failed (attempt ${attempt} of 3): ${message}`);
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

/**
 * `access_token`, or `credentials`: a credentials block's data through {{ ordo.blocks.… }} —
 * github-credentials' `token`, git-credentials' `username` and `password`/`token` — as Prefect's
 * git_clone takes either (not both).
 */
function tokenOf(args: Args): { token: string | undefined; username: string | undefined } {
  const accessToken = optionalString(args.access_token, "access_token");
  const credentials = args.credentials;
  if (credentials === undefined || credentials === null) return { token: accessToken, username: undefined };
  if (accessToken !== undefined) throw new Error("give access_token or credentials, not both");
  if (typeof credentials !== "object" || Array.isArray(credentials))
    throw new Error("credentials must be a credentials block's data, e.g. {{ ordo.blocks.github-credentials.NAME }}");
  const c = credentials as Record<string, unknown>;
  const token = [c.token, c.access_token, c.password].find((v) => typeof v === "string" && v !== "") as
    | string
    | undefined;
  if (!token) throw new Error("credentials has no token, access_token or password");
  return { token, username: typeof c.username === "string" && c.username !== "" ? c.username : undefined };
}

/** Prefect's pull_from_remote_storage: a remote-file-system block built from the URL and settings. */
async function pullFromRemoteStorage(args: Args, cwd: { dir: string }, ctx: PullContext): Promise<Outputs> {
  const { url, ...settings } = args;
  const registry = await ctx.storage.plugins();
  if (!registry.has("remote-file-system"))
    throw new Error(
      "needs the remote-file-system block type: npm install @ordo/plugin-remote-file-system where the worker runs",
    );
  const block = await ctx.storage.createBlock<GetDirectory>("remote-file-system", { basepath: String(url), settings });
  ctx.log(`pulling ${displayRepository(String(url))} into ${cwd.dir}`);
  await block.getDirectory(null, cwd.dir);
  return { directory: cwd.dir };
}
