// `ordo deployment apply FILE…`: creates or updates the deployments of YAML definition files
// (several documents per file; build's shape or the older DeploymentSpec one).
import type { Command } from "commander";
import { withClient } from "../common/api.js";
import { printRows, progress, withJsonOption, type OutputOptions } from "../common/output.js";
import { loadPlans } from "./definitions.js";
import { applyPlans, type AppliedDeployment } from "./plans.js";
import { describeSchedule } from "./schedules.js";

export function registerApply(deployment: Command): void {
  withJsonOption(
    deployment
      .command("apply")
      .description(
        "create or update the deployments defined in YAML files: build's deployment.yaml, or the older spec shape (flow_location, flow_name, schedule, tags, parameters, flow_storage); several per file with ---",
      )
      .argument("<files...>", "deployment definition files")
      .option("--upload", "first upload the current folder (minus .ordoignore matches) to each deployment's storage block"),
  ).action(async (files: string[], opts: OutputOptions & { upload?: boolean }) => {
    const plans = await loadPlans(files, { upload: opts.upload ?? false, cwd: process.cwd() });
    const applied = await withClient((client) => applyPlans(client, plans));
    printApplied(applied, opts);
  });
}

/** What applying did, one row per deployment (the JSON scripts get). */
export function appliedRows(applied: AppliedDeployment[]) {
  return applied.map(({ status, deployment: d }) => ({
    slug: d.slug,
    id: d.id,
    status,
    created: status === "created",
    version: d.version,
    workPool: d.workPool?.name ?? null,
    workQueue: d.workQueueName,
    schedules: d.schedules.map((s) => ({ id: s.id, slug: s.slug, active: s.active, schedule: describeSchedule(s) })),
  }));
}

/** The table (or JSON) a command that applied deployments prints. */
export function printApplied(applied: AppliedDeployment[], opts: OutputOptions): void {
  const rows = appliedRows(applied);
  printRows(
    rows,
    [
      ["Deployment", (r) => r.slug],
      ["", (r) => r.status],
      ["ID", (r) => r.id],
      ["Work pool", (r) => r.workPool ?? "—"],
      ["Schedules", (r) => r.schedules.map((s) => s.schedule).join("\n") || "—"],
    ],
    opts,
  );
  if (opts.json) return;
  const poolless = rows.filter((x) => !x.workPool).map((x) => x.slug);
  if (poolless.length) {
    progress(`note: no work pool for ${poolless.join(", ")}: no worker will run ${poolless.length === 1 ? "its" : "their"} runs (set work_pool_name, or build -p); \`ordo deployment execute\` runs one here`);
  }
  if (rows.length === 1) progress(`Run it with: ordo deployment run '${rows[0]!.slug}'`);
}
