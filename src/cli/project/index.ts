// `ordo deploy`: the command line of project deployments (ordo.yaml); the work is in deploy.ts.
import type { Command } from "commander";
import { collect } from "../common/options.js";
import { printRows, withJsonOption, type OutputOptions } from "../common/output.js";
import { deploy, type DeployResult } from "./deploy.js";
import { DEFAULT_PROJECT_FILE } from "./project-file.js";

export function registerDeployCommand(program: Command): void {
  withJsonOption(
    program
      .command("deploy")
      .description(
        "deploy flows described in ordo.yaml: run its build and push steps, then create or update each deployment with its pull steps (for workers), schedules, work pool and parameters",
      )
      .option("-n, --name <name>", "deployment to deploy, by its name in the file (repeatable)", collect)
      .option("--all", "deploy every deployment in the file")
      .option("-f, --file <path>", "project file; steps run in its folder", DEFAULT_PROJECT_FILE)
      .addHelpText(
        "after",
        `
With one deployment in the file, -n and --all are optional. Progress and step output go to stderr;
the table (or --json) of deployments goes to stdout. Re-running with nothing changed changes nothing.

Example ordo.yaml:
  push:
    - push_to_storage: { id: upload, block: local-file-system/code, path: etl }
  pull:
    - pull_from_storage: { block: "{{ upload.block }}", path: "{{ upload.path }}" }
  deployments:
    - name: nightly
      entrypoint: flows/etl.ts:etl
      parameters: { bucket: "{{ $BUCKET }}" }
      work_pool: { name: local }
      schedules: [{ cron: "0 3 * * *", timezone: Europe/Berlin }]`,
      ),
  ).action(async (opts: { name?: string[]; all?: boolean; file: string } & OutputOptions) => {
    const results = await deploy({ file: opts.file, names: opts.name ?? [], all: opts.all ?? false });
    printResults(results, opts);
  });
}

function printResults(results: DeployResult[], opts: OutputOptions): void {
  const rows = results.map(({ status, deployment: d }) => ({
    slug: d.slug,
    id: d.id,
    status,
    version: d.version,
    workPool: d.workPool?.name ?? null,
    workQueue: d.workQueueName,
    paused: d.paused,
    schedules: d.schedules.map((s) => ({ id: s.id, slug: s.slug, active: s.active })),
    pullSteps: d.pullSteps,
  }));
  printRows(
    rows,
    [
      ["DEPLOYMENT", (r) => r.slug],
      ["STATUS", (r) => r.status],
      ["VERSION", (r) => r.version],
      ["WORK POOL", (r) => (r.workPool ? `${r.workPool}${r.workQueue ? ` / ${r.workQueue}` : ""}` : "")],
      ["SCHEDULES", (r) => r.schedules.length],
      ["PULL STEPS", (r) => (Array.isArray(r.pullSteps) ? r.pullSteps.map((s) => Object.keys(s as object)[0]) : [])],
    ],
    opts,
  );
}
