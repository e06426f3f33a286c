// `ordo deployment preview FILE…`: what applying the files would create or update, and the next
// dates of each schedule — checked like apply checks, nothing uploaded or written.
import type { Command } from "commander";
import { CliDeploymentGetDocument } from "../../client/generated/graphql.js";
import { withClient } from "../common/api.js";
import { positive } from "../common/options.js";
import { printJson, withJsonOption, type OutputOptions } from "../common/output.js";
import { loadPlans } from "./definitions.js";
import { checkPlans, type DeploymentPlan } from "./plans.js";

export function registerPreview(deployment: Command): void {
  withJsonOption(
    deployment
      .command("preview")
      .description("show what `apply` would create or update from deployment files, with each schedule's next dates (nothing is written)")
      .argument("<files...>", "deployment definition files")
      .option("--count <n>", "how many next dates per schedule", positive("--count", true), 3),
  ).action(async (files: string[], opts: OutputOptions & { count: number }) => {
    const plans = await loadPlans(files, { upload: false, cwd: process.cwd() });
    const previews = await withClient(async (client) => {
      const dates = await checkPlans(client, plans, opts.count);
      return Promise.all(
        plans.map(async (plan, i) => ({
          plan,
          exists: (await client.request(CliDeploymentGetDocument, { slug: plan.slug })).deployment !== null,
          next: dates[i]!,
        })),
      );
    });
    if (opts.json) {
      return printJson(
        previews.map(({ plan, exists, next }) => ({
          slug: plan.slug,
          action: exists ? "update" : "create",
          source: plan.where,
          input: { ...plan.input, storageBlock: blockText(plan.storage?.spec), infrastructureBlock: blockText(plan.infrastructure?.spec) },
          upload: plan.upload,
          schedules: plan.schedules.map((s, j) => ({ ...s.input, next: next[j] })),
        })),
      );
    }
    for (const p of previews) process.stdout.write(describe(p.plan, p.exists, p.next));
  });
}

function describe(plan: DeploymentPlan, exists: boolean, next: string[][]): string {
  const i = plan.input;
  const lines = [`${plan.slug}  (would be ${exists ? "updated" : "created"}; ${plan.where})`];
  const field = (name: string, value: unknown) => {
    if (value === undefined) return;
    lines.push(`  ${name.padEnd(12)}${value === null ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  };
  field("entrypoint", i.entrypoint);
  field("storage", plan.storage === undefined ? undefined : (blockText(plan.storage.spec) ?? `none (code read in place${i.path ? ` at ${i.path}` : ""})`));
  if (plan.upload) field("upload", `${plan.upload.dir} → the storage block`);
  field("version", i.version);
  field("work pool", i.workPoolName);
  field("work queue", i.workQueueName);
  field("tags", i.tags?.join(", ") || (i.tags ? "—" : undefined));
  field("parameters", i.parameters);
  field("job vars", i.jobVariables);
  if (plan.schedules.length === 0 && i.schedules !== undefined) field("schedules", "none");
  plan.schedules.forEach((s, j) => {
    const [kind, def] = Object.entries(s.input.schedule).find(([, v]) => v)!;
    lines.push(`  schedule    ${kind} ${JSON.stringify(def)}${s.input.active === false ? " (inactive)" : ""}`);
    lines.push(`    next      ${next[j]!.join(", ") || "none"}`);
  });
  return `${lines.join("\n")}\n\n`;
}

function blockText(spec: string | Record<string, unknown> | null | undefined): string | null | undefined {
  if (spec === undefined || spec === null || typeof spec === "string") return spec;
  return `a new anonymous ${String(spec.type)} block ${JSON.stringify(spec)}`;
}
