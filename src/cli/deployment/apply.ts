// `ordo deployment apply FILE…` (alias `create`, the beta verb): creates or updates the deployments
// of YAML definition files (several documents per file; build's shape or the older DeploymentSpec
// one) and of TypeScript/JavaScript files exporting toDeployment(…) results.
import type { Command } from "commander";
import { AGENT_POOL_TYPE } from "../../worker/pool-types.js";
import { withClient } from "../common/api.js";
import { printRows, progress, withJsonOption, type OutputOptions } from "../common/output.js";
import { loadPlans } from "./definitions.js";
import { applyPlans, type AppliedDeployment } from "./plans.js";
import { describeSchedule } from "./schedules.js";

export function registerApply(deployment: Command): void {
  withJsonOption(
    deployment
      .command("apply")
      .alias("create")
      .description(
        "create or update the deployments defined in YAML files (build's deployment.yaml, or the older spec shape: flow_location, flow_name, schedule, tags, parameters, flow_storage, infrastructure or flow_runner, infra_overrides; several per file with ---) or in .ts/.js files exporting toDeployment(…) results; `create` is the beta name",
      )
      .argument("<files...>", "deployment definition files (.yaml/.yml, or .ts/.js)")
      .option(
        "--upload",
        "first upload the current folder (minus .ordoignore matches) to each deployment's storage block",
      ),
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
  // the pool's type decides how runs start: only an agent pool uses a deployment's own block
  for (const { deployment: d } of applied) {
    if (d.infrastructureDocument && d.workPool && d.workPool.type !== AGENT_POOL_TYPE) {
      progress(
        `warning: ${d.slug}: its infrastructure block ${d.infrastructureDocument.slug} is not used: work pool ${d.workPool.name} has type ${d.workPool.type}, so its workers run it with the pool's job template (only agents, on ${AGENT_POOL_TYPE} pools, use a deployment's infrastructure block; set job_variables for a typed pool)`,
      );
    }
  }
  if (opts.json) return;
  const poolless = rows.filter((x) => !x.workPool).map((x) => x.slug);
  if (poolless.length) {
    progress(
      `note: no work pool for ${poolless.join(", ")}: ${poolless.length === 1 ? "its" : "their"} runs wait for a \`serve()\` process or a tag-filtered work queue (set work_pool_name, or build -p, for a worker); \`ordo deployment execute\` runs one here`,
    );
  }
  if (rows.length === 1) progress(`Run it with: ordo deployment run '${rows[0]!.slug}'`);
}
