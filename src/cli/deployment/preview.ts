// `ordo deployment preview FILE…`: what applying the files would create or update (which fields;
// the server's dry run), and the next dates of each schedule — nothing uploaded or written.
import type { Command } from "commander";
import { CliDeploymentApplyPreviewDocument, CliDeploymentBlockDocument } from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import { withClient } from "../common/api.js";
import { positive } from "../common/options.js";
import { printJson, withJsonOption, type OutputOptions } from "../common/output.js";
import { loadPlans } from "./definitions.js";
import { inlineSlug } from "./blocks.js";
import { checkPlans, type DeploymentPlan } from "./plans.js";

export function registerPreview(deployment: Command): void {
  withJsonOption(
    deployment
      .command("preview")
      .description(
        "show what `apply` would create or update from deployment files, with each schedule's next dates (nothing is written)",
      )
      .argument("<files...>", "deployment definition files")
      .option("--count <n>", "how many next dates per schedule", positive("--count", true), 3),
  ).action(async (files: string[], opts: OutputOptions & { count: number }) => {
    const plans = await loadPlans(files, { upload: false, cwd: process.cwd() });
    const previews = await withClient(async (client) => {
      const dates = await checkPlans(client, plans, opts.count);
      const out: Preview[] = [];
      // one at a time, in file order: each is a rolled-back apply on the server
      for (const [i, plan] of plans.entries())
        out.push({ plan, next: dates[i]!, ...(await previewApply(client, plan)) });
      return out;
    });
    if (opts.json) {
      return printJson(
        previews.map(({ plan, action, changedFields, next }) => ({
          slug: plan.slug,
          action,
          changedFields,
          source: plan.where,
          input: {
            ...plan.input,
            storageBlock: blockText(plan.storage?.spec),
            infrastructureBlock: blockText(plan.infrastructure?.spec),
          },
          upload: plan.upload,
          schedules: plan.schedules.map((s, j) => ({ ...s.input, next: next[j] })),
        })),
      );
    }
    for (const p of previews) process.stdout.write(describe(p));
  });
}

interface Preview {
  plan: DeploymentPlan;
  next: string[][];
  action: "create" | "update" | "unchanged";
  changedFields: string[];
}

/**
 * The server's dry run of this plan's apply. An inline block that does not exist yet would be
 * created by apply: the preview counts the deployment's block as changed instead of sending it.
 */
async function previewApply(
  client: OrdoClient,
  plan: DeploymentPlan,
): Promise<Pick<Preview, "action" | "changedFields">> {
  const input = { ...plan.input };
  const newBlocks: string[] = [];
  for (const [field, block] of [
    ["storageBlock", plan.storage],
    ["infrastructureBlock", plan.infrastructure],
  ] as const) {
    if (block === undefined) continue;
    const spec = block.spec;
    if (spec === null || typeof spec === "string") {
      input[field] = spec;
      continue;
    }
    const slug = inlineSlug(spec);
    if ((await client.request(CliDeploymentBlockDocument, { slug })).blockDocument) input[field] = slug;
    else newBlocks.push(field);
  }
  const r = (await client.request(CliDeploymentApplyPreviewDocument, { input })).deploymentApplyPreview;
  const changedFields = [...new Set([...r.changedFields, ...newBlocks])].sort();
  return { action: r.created ? "create" : changedFields.length ? "update" : "unchanged", changedFields };
}

function describe({ plan, next, action, changedFields }: Preview): string {
  const i = plan.input;
  const what =
    action === "create"
      ? "would be created"
      : action === "update"
        ? `would be updated: ${changedFields.join(", ")}`
        : "unchanged: applying would write nothing";
  const lines = [`${plan.slug}  (${what}; ${plan.where})`];
  const field = (name: string, value: unknown) => {
    if (value === undefined) return;
    lines.push(
      `  ${name.padEnd(12)}${value === null ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    );
  };
  field("entrypoint", i.entrypoint);
  field(
    "storage",
    plan.storage === undefined
      ? undefined
      : (blockText(plan.storage.spec) ?? `none (code read in place${i.path ? ` at ${i.path}` : ""})`),
  );
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
