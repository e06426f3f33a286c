// `ordo deployment build PATH:EXPORT -n NAME …`: reads the flow from its module, uploads the
// current folder (minus .ordoignore) to the storage block, writes deployment.yaml, and applies it
// with --apply. Everything checkable is checked before the upload.
import { access, constants, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { withClient } from "../common/api.js";
import { CliError } from "../common/errors.js";
import { collect } from "../common/options.js";
import { printJson, progress, withJsonOption, type OutputOptions } from "../common/output.js";
import { appliedRows, printApplied } from "./apply.js";
import { checkEntrypoint, planFromDeploymentFile } from "./deployment-file.js";
import { readFlowMetadata } from "./flow-metadata.js";
import { overridesToJobVariables } from "./job-variables.js";
import { parametersFromFlags } from "./parameters.js";
import { applyPlans, checkPlans, type DeploymentPlan } from "./plans.js";
import { scheduleFromFlags, type ScheduleFlags } from "./schedules.js";
import { twoLetterFlags } from "./short-flags.js";
import { renderDeploymentFile, type DeploymentFile } from "./spec-files.js";
import {
  ensureIgnoreFile,
  hashFiles,
  listUploadFiles,
  parseStorageRef,
  uploadFolder,
  withSubPath,
  type StorageRef,
} from "./upload.js";

interface BuildOptions extends ScheduleFlags, OutputOptions {
  name: string;
  version?: string;
  tag?: string[];
  workQueue?: string;
  pool?: string;
  storageBlock?: string;
  infraBlock?: string;
  infra?: string;
  override?: string[];
  param?: string[];
  params?: string;
  path?: string;
  output?: string;
  apply?: boolean;
  skipUpload?: boolean;
}

export function registerBuild(deployment: Command): void {
  const build = deployment
    .command("build")
    .description(
      "build a deployment of a flow: upload this folder to a storage block and write its deployment.yaml (run it from the folder holding your flow and what it needs)",
    )
    .argument("<entrypoint>", "the flow: path/to/file.ts:exportName, relative to this folder")
    .requiredOption("-n, --name <name>", "the deployment's name (its slug is <flow name>/<name>)")
    .option(
      "-v, --version <version>",
      "the deployment's version (default: the flow's version, else a hash of the uploaded files)",
    )
    .option("-t, --tag <tag>", "a tag (repeatable)", collect)
    .option("-q, --work-queue <queue>", "the work queue for its runs (created if missing)")
    .option("-p, --pool <pool>", "the work pool for its runs (created if missing, of type process)")
    .option("--storage-block <slug>", "storage block to upload to: block-type/block-name or block-type/block-name/path")
    .option("--infra-block <slug>", "infrastructure block: block-type/block-name")
    .option("-i, --infra <type>", "infrastructure block type (an anonymous block of it is made), e.g. process")
    .option("--override <key=value>", "a job variable as a dotted key, e.g. env.KEY=value (repeatable)", collect)
    .option("--cron <cron>", "a cron schedule, e.g. '0 9 * * *'")
    .option("--interval <seconds>", "an interval schedule, in seconds (or 10m, 1h, 1d)")
    .option("--rrule <rrule>", "an RFC 5545 rrule schedule, e.g. 'FREQ=HOURLY;BYDAY=MO,TU,WE,TH,FR'")
    .option("--timezone <zone>", "the schedule's IANA timezone (default UTC)")
    .option("--anchor-date <date>", "the interval schedule's anchor, an ISO date-time")
    .option(
      "--param <key=value>",
      "a default parameter, typed by the flow's parameter schema (a string property keeps the text; otherwise read as JSON when it parses) (repeatable)",
      collect,
    )
    .option("--params <json>", "default parameters as a JSON object")
    .option(
      "--path <path>",
      "with a storage block: a folder inside it to upload to; without: where this folder is on the machines that run the flow",
    )
    .option("-o, --output <file>", "where to write the deployment YAML (default: <export>-deployment.yaml here)")
    .option("-a, --apply", "also create or update the deployment on the server")
    .option("--skip-upload", "do not upload (the storage block already holds these files)");
  twoLetterFlags(build, { "-sb": "--storage-block", "-ib": "--infra-block" });
  withJsonOption(build).action((entrypoint: string, opts: BuildOptions) => runBuild(entrypoint, opts));
}

async function runBuild(rawEntrypoint: string, opts: BuildOptions): Promise<void> {
  const cwd = process.cwd();
  const entrypoint = localEntrypoint(rawEntrypoint, cwd);
  const schedule = scheduleFromFlags(opts);
  const jobVariables = overridesToJobVariables(opts.override ?? []);
  if (opts.infraBlock && opts.infra)
    throw new CliError("give -ib (a saved infrastructure block) or -i (a block type), not both");
  const storage: StorageRef | null = opts.storageBlock
    ? withSubPath(parseStorageRef(opts.storageBlock, "-sb"), opts.path)
    : null;
  if (opts.skipUpload && !storage)
    throw new CliError("--skip-upload goes with -sb: without a storage block nothing is uploaded");
  const output = path.resolve(cwd, opts.output ?? `${entrypoint.split(":").at(-1)}-deployment.yaml`);
  const outputRel = path.relative(cwd, output);
  const exclude = outputRel.startsWith("..") ? [] : [outputRel.split(path.sep).join("/")];
  // a YAML that cannot be written must stop the build before anything is uploaded
  await checkWritableFolder(output);

  const flow = await readFlowMetadata(entrypoint, cwd);
  const parameters = parametersFromFlags(opts.params, opts.param, flow.parameterSchema) ?? {};
  const file: DeploymentFile = {
    name: opts.name,
    description: flow.description,
    version: opts.version ?? flow.version ?? "(hash of the uploaded files)",
    work_pool_name: opts.pool ?? null,
    work_queue_name: opts.workQueue ?? null,
    tags: opts.tag ?? [],
    parameters,
    schedules: schedule ? [schedule] : [],
    job_variables: jobVariables,
    infrastructure: opts.infraBlock ?? (opts.infra ? { type: opts.infra } : null),
    flow_name: flow.flowName,
    entrypoint,
    path: storage ? null : path.resolve(cwd, opts.path ?? "."),
    storage: storage?.slug ?? null,
    parameter_openapi_schema: flow.parameterSchema as Record<string, unknown>,
  };
  const flagOf: Record<string, string> = {
    schedules: opts.cron !== undefined ? "--cron" : opts.interval !== undefined ? "--interval" : "--rrule",
    storage: "-sb",
    infrastructure: opts.infraBlock ? "-ib" : "-i",
    entrypoint: "entrypoint",
    job_variables: "--override",
  };
  const where = (field: Array<string | number>) => flagOf[String(field[0])] ?? "build";
  const plan = (): DeploymentPlan => planFromDeploymentFile(file, { where, baseDir: cwd, upload: null });

  await withClient(async (client) => {
    // bad schedules and missing blocks stop here, before anything is written or uploaded
    const checked = plan();
    if (storage && !opts.skipUpload) checked.upload = { dir: cwd, exclude };
    await checkPlans(client, [checked]);

    if (await ensureIgnoreFile(cwd))
      progress(`Wrote a default .ordoignore (node_modules/, .git/, .env, …): edit it to choose what gets uploaded`);
    if (opts.version === undefined && flow.version === null)
      file.version = await hashFiles(cwd, await listUploadFiles(cwd, { exclude }));
    const uploaded = storage && !opts.skipUpload ? (await uploadFolder(client, storage, cwd, { exclude })).files : null;
    await writeFile(output, renderDeploymentFile(file)).catch((e: Error) => {
      throw new CliError(`cannot write ${output}: ${e.message}`);
    });

    const applied = opts.apply ? await applyPlans(client, [plan()]) : null;
    if (opts.json)
      return printJson({
        file: output,
        version: file.version,
        uploadedFiles: uploaded,
        applied: applied ? appliedRows(applied) : null,
      });
    process.stdout.write(`Deployment YAML written to ${output}\n`);
    if (applied) printApplied(applied, opts);
    else progress(`Apply it with: ordo deployment apply ${path.relative(cwd, output) || output}`);
  });
}

/** The entrypoint relative to this folder, with "/": this folder is what gets uploaded, so the flow must be in it. */
function localEntrypoint(raw: string, cwd: string): string {
  checkEntrypoint(raw, "entrypoint");
  const at = raw.lastIndexOf(":");
  const rel = path.relative(cwd, path.resolve(cwd, raw.slice(0, at)));
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new CliError(
      `${raw.slice(0, at)} is outside this folder: run build from the folder that holds the flow and what it needs (that folder is what gets uploaded)`,
    );
  }
  return `${rel.split(path.sep).join("/")}:${raw.slice(at + 1)}`;
}

/** The output file's folder exists and this process may write there. */
async function checkWritableFolder(output: string): Promise<void> {
  const dir = path.dirname(output);
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir)
    throw new CliError(
      `cannot write ${output}: the folder ${dir} does not exist (create it first, or choose another -o)`,
    );
  await access(dir, constants.W_OK).catch(() => {
    throw new CliError(`cannot write ${output}: the folder ${dir} is not writable`);
  });
}
