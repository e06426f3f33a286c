// `ordo deployment inspect | ls | delete | pause | resume`: reading and managing deployments on the server.
import type { Command } from "commander";
import {
  CliDeploymentDeleteDocument,
  CliDeploymentListDocument,
  CliDeploymentPauseDocument,
  CliDeploymentResumeDocument,
  type CliDeploymentDetailFragment,
} from "../../client/generated/graphql.js";
import { withClient } from "../common/api.js";
import { allNodes } from "../common/connections.js";
import { printJson, printObject, printRows, withJsonOption, type OutputOptions } from "../common/output.js";
import { DEPLOYMENT_ARGUMENT, findDeployment } from "./lookup.js";
import { describeSchedule } from "./schedules.js";

export function registerManage(deployment: Command): void {
  withJsonOption(
    deployment
      .command("inspect")
      .description("show a deployment: where its code is, how it runs, its parameters and schedules")
      .argument("<deployment>", DEPLOYMENT_ARGUMENT),
  ).action(async (ref: string, opts: OutputOptions) => {
    const d = await withClient((client) => findDeployment(client, ref));
    if (opts.json) return printJson(d);
    printObject(forPeople(d), opts);
  });

  withJsonOption(
    deployment.command("ls").description("list deployments").option("--flow <name>", "only this flow's deployments"),
  ).action(async (opts: OutputOptions & { flow?: string }) => {
    const rows = await withClient(async (client) => {
      const filter = opts.flow ? { flowName: opts.flow } : null;
      const all = await allNodes(
        async (after) => (await client.request(CliDeploymentListDocument, { filter, first: 200, after })).deployments,
      );
      return all.sort((a, b) => a.slug.localeCompare(b.slug));
    });
    printRows(
      rows,
      [
        ["Deployment", (r) => r.slug],
        ["ID", (r) => r.id],
        ["Schedules", (r) => r.schedules.map(describeSchedule).join("\n") || "—"],
        ["Work pool", (r) => r.workPool?.name ?? "—"],
        ["Paused", (r) => (r.paused ? "yes" : "no")],
      ],
      opts,
      opts.flow
        ? `no deployments of flow "${opts.flow}"`
        : "no deployments yet (create one with `ordo deployment build … --apply`)",
    );
  });

  withJsonOption(
    deployment
      .command("delete")
      .description("delete a deployment and its scheduled runs (runs that ran stay)")
      .argument("<deployment>", DEPLOYMENT_ARGUMENT),
  ).action(async (ref: string, opts: OutputOptions) => {
    const d = await withClient(async (client) => {
      const found = await findDeployment(client, ref);
      await client.request(CliDeploymentDeleteDocument, { id: found.id });
      return found;
    });
    if (opts.json) return printJson({ id: d.id, slug: d.slug, deleted: true });
    process.stdout.write(`Deleted deployment ${d.slug} (${d.id})\n`);
  });

  const toggle = async (ref: string, pause: boolean) =>
    withClient(async (client) => {
      const found = await findDeployment(client, ref);
      return pause
        ? (await client.request(CliDeploymentPauseDocument, { id: found.id })).pauseDeployment
        : (await client.request(CliDeploymentResumeDocument, { id: found.id })).resumeDeployment;
    });
  for (const [verb, what] of [
    ["pause", "no new runs are scheduled and its future scheduled runs are removed"],
    ["resume", "its schedules create runs again"],
  ] as const) {
    withJsonOption(
      deployment
        .command(verb)
        .description(`${verb} a deployment: ${what}`)
        .argument("<deployment>", DEPLOYMENT_ARGUMENT),
    ).action(async (ref: string, opts: OutputOptions) => {
      const d = await toggle(ref, verb === "pause");
      if (opts.json) return printJson(d);
      process.stdout.write(`${verb === "pause" ? "Paused" : "Resumed"} deployment ${d.slug}: ${what}\n`);
    });
  }
}

function forPeople(d: CliDeploymentDetailFragment): Record<string, unknown> {
  const block = (b: { slug: string; isAnonymous: boolean } | null) =>
    b ? `${b.slug}${b.isAnonymous ? " (anonymous)" : ""}` : null;
  const fields: Record<string, unknown> = {
    name: d.slug,
    id: d.id,
    description: d.description,
    version: d.version,
    tags: d.tags.join(", "),
    paused: d.paused ? "yes" : "no",
    "work pool": d.workPool?.name,
    "work queue": d.workQueueName,
    schedules: d.schedules.map((s) => `${describeSchedule(s)} [${s.slug ?? s.id}]`).join("; "),
    parameters: d.parameters,
    entrypoint: d.entrypoint,
    storage: d.storageDocument
      ? `${block(d.storageDocument)}${d.storagePath ? ` → ${d.storagePath}` : ""}`
      : "none (code read in place)",
    path: d.path,
    "pull steps": d.pullSteps,
    infrastructure: block(d.infrastructureDocument),
    "job variables": d.jobVariables,
    "concurrency limit": d.concurrencyLimit === null ? null : `${d.concurrencyLimit} (${d.collisionStrategy})`,
    "parameter schema": d.parameterOpenapiSchema,
    "enforce schema": d.enforceParameterSchema ? "yes" : "no",
    created: d.created,
    updated: d.updated,
  };
  for (const [k, v] of Object.entries(fields)) if (v === null || v === undefined || v === "") fields[k] = "—";
  return fields;
}
