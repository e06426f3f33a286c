// `ordo deploy`: checks all of ordo.yaml before running anything, then per deployment runs build/push, renders fields and pull steps, and applies it.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DeployApplyDeploymentDocument, type DeployedDeploymentFragment } from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import { parseEntrypoint } from "../../worker/executor/entrypoint.js";
import { checkArgs, StepError } from "../../worker/steps/step-spec.js";
import { TemplateError } from "../../worker/steps/templating.js";
import { withClient } from "../common/api.js";
import { CliError } from "../common/errors.js";
import { progress } from "../common/output.js";
import { applyStatus, type ApplyStatus } from "../deployment/apply-status.js";
import { readFlowMetadata, type FlowMetadata } from "../deployment/flow-metadata.js";
import { TEMPLATED_FIELDS, toDeploymentInput } from "./deployment-input.js";
import { readProjectFile, type DeploymentEntry, type Project } from "./project-file.js";
import { OWN_STEPS, stepCatalog, type StepCatalog } from "./step-catalog.js";
import { parseSection, runSteps, type DeployStepContext, type StepSite } from "./steps.js";
import { checkReferences, DeployTemplates, KnownOutputs } from "./templating.js";

export interface DeployOptions {
  file: string;
  names: string[];
  all: boolean;
}

export type DeployStatus = ApplyStatus;

export interface DeployResult {
  status: DeployStatus;
  deployment: DeployedDeploymentFragment;
}

export interface Plan {
  index: number;
  entry: DeploymentEntry;
  build: StepSite[];
  push: StepSite[];
  /** null: none given, so the default set_working_directory to the project folder */
  pull: StepSite[] | null;
}

export async function deploy(options: DeployOptions): Promise<DeployResult[]> {
  const project = await readProjectFile(options.file);
  const plans = planDeployments(project, select(project, options), await stepCatalog(project));
  const blocks = new Map<string, string>();
  for (const p of plans) checkPlan(project, p, blocks);
  return withClient(async (client) => {
    const templates = new DeployTemplates(client);
    await templates.checkBlocks(blocks);
    // every flow loads before any step runs: a wrong entrypoint should not cost a build
    const flows = new Map<Plan, FlowMetadata>();
    for (const p of plans) flows.set(p, await flowOf(project, p));
    const ctx: DeployStepContext = { dir: project.dir, client };
    const shared = new SharedOutputs();
    const results: DeployResult[] = [];
    for (const p of plans) {
      progress(`Deploying ${p.entry.name} (${flows.get(p)!.flowName}/${p.entry.name}) …`);
      const outputs = await shared.run(p, (sites, into) =>
        runSteps(sites, into, (value) => templates.renderNow(value, into), ctx),
      );
      results.push(await apply(client, project, p, flows.get(p)!, outputs, templates));
    }
    return results;
  });
}

function select(project: Project, { names, all }: DeployOptions): number[] {
  const defined = project.value.deployments.map((d) => d.name);
  if (all && names.length) throw new CliError("give --all or -n NAME, not both");
  if (all) return defined.map((_, i) => i);
  if (names.length === 0) {
    if (defined.length === 1) return [0];
    throw new CliError(
      `${project.file} defines ${defined.length} deployments (${defined.join(", ")}): name one with -n NAME, or deploy them all with --all`,
    );
  }
  return names.map((n) => {
    const i = defined.indexOf(n);
    if (i < 0) throw new CliError(`no deployment named "${n}" in ${project.file} (it defines: ${defined.join(", ")})`);
    return i;
  });
}

// one shared empty list, so deployments without a build still share their push's outputs
const NONE: StepSite[] = [];

/** A deployment's own build/push/pull replace the file's (an absent or null one inherits it). */
export function planDeployments(project: Project, indexes: number[], steps: StepCatalog = OWN_STEPS): Plan[] {
  const section = (at: Array<string | number>, name: "build" | "push" | "pull") =>
    parseSection(project, [...at, name], name, steps);
  const global = { build: section([], "build"), push: section([], "push"), pull: section([], "pull") };
  return indexes.map((index) => {
    const own = (name: "build" | "push" | "pull") => section(["deployments", index], name);
    return {
      index,
      entry: project.value.deployments[index]!,
      build: own("build") ?? global.build ?? NONE,
      push: own("push") ?? global.push ?? NONE,
      pull: own("pull") ?? global.pull,
    };
  });
}

/** Every placeholder of the plan resolves to something: outputs of earlier steps, a set $VAR, a block. */
export function checkPlan(project: Project, p: Plan, blocks: Map<string, string>): void {
  const known = new KnownOutputs();
  for (const site of [...p.build, ...p.push]) {
    checkReferences(
      project,
      site.step.args,
      site.at,
      `${site.label} ${site.step.name}`,
      known,
      { kind: "now" },
      blocks,
    );
    known.add(site);
  }
  for (const field of TEMPLATED_FIELDS) {
    const at = ["deployments", p.index, field];
    checkReferences(project, p.entry[field], at, `deployments[${p.index}].${field}`, known, { kind: "now" }, blocks);
  }
  const pulled = new KnownOutputs();
  for (const site of p.pull ?? []) {
    checkReferences(
      project,
      site.step.args,
      site.at,
      `${site.label} ${site.step.name}`,
      known,
      { kind: "pull", pull: pulled },
      blocks,
    );
    pulled.add(site);
  }
}

async function flowOf(project: Project, p: Plan): Promise<FlowMetadata> {
  const where = project.doc.locate(["deployments", p.index, "entrypoint"]);
  try {
    parseEntrypoint(p.entry.entrypoint);
    return await readFlowMetadata(p.entry.entrypoint, project.dir);
  } catch (e) {
    throw new CliError(`${where}: deployments[${p.index}].entrypoint: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Runs build then push steps into fresh outputs, reusing the outputs of a section list already run
 * for an earlier deployment of this file (the file's global sections, shared by identity: they
 * cannot depend on the deployment), so `--all` builds and pushes once.
 */
class SharedOutputs {
  private readonly built = new Map<StepSite[], Record<string, unknown>>();
  private readonly pushed = new Map<StepSite[], Map<StepSite[], Record<string, unknown>>>();

  async run(
    p: Plan,
    runner: (sites: StepSite[], into: Record<string, unknown>) => Promise<void>,
  ): Promise<Record<string, unknown>> {
    const done = this.pushed.get(p.build)?.get(p.push);
    if (done) {
      if (p.build.length + p.push.length)
        progress("build and push: done already for an earlier deployment of this file");
      return structuredClone(done);
    }
    let outputs = this.built.get(p.build);
    if (outputs) {
      if (p.build.length) progress("build: done already for an earlier deployment of this file");
      outputs = structuredClone(outputs);
    } else {
      outputs = {};
      await runner(p.build, outputs);
      this.built.set(p.build, structuredClone(outputs));
    }
    await runner(p.push, outputs);
    if (!this.pushed.has(p.build)) this.pushed.set(p.build, new Map());
    this.pushed.get(p.build)!.set(p.push, structuredClone(outputs));
    return outputs;
  }
}

async function apply(
  client: OrdoClient,
  project: Project,
  p: Plan,
  flow: FlowMetadata,
  outputs: Record<string, unknown>,
  templates: DeployTemplates,
): Promise<DeployResult> {
  const label = `deployments[${p.index}]`;
  const fields: Record<string, unknown> = {};
  for (const field of TEMPLATED_FIELDS) {
    if (!(field in p.entry)) continue;
    try {
      fields[field] = await templates.renderNow(p.entry[field], outputs);
    } catch (e) {
      if (e instanceof TemplateError)
        throw new CliError(`${project.doc.locate(["deployments", p.index, field])}: ${label}.${field}: ${e.message}`);
      throw e;
    }
  }
  const entry = { ...p.entry, ...fields } as DeploymentEntry;
  const input = toDeploymentInput({
    project,
    index: p.index,
    entry,
    flow,
    fileHash: await fileHash(project, p),
    pullSteps: await pullSteps(project, p, outputs, templates),
  });
  const slug = `${flow.flowName}/${p.entry.name}`;
  const applied = (await client.request(DeployApplyDeploymentDocument, { input })).applyDeployment;
  const status: DeployStatus = applyStatus(applied);
  progress(`${slug}: ${status}`);
  return { status, deployment: applied.deployment };
}

/** The pull steps to store: rendered as far as deploy time allows, or the default. */
async function pullSteps(
  project: Project,
  p: Plan,
  outputs: Record<string, unknown>,
  templates: DeployTemplates,
): Promise<unknown[]> {
  // Prefect's default: run where the project is (the worker shares this machine's folders)
  if (!p.pull) return [{ set_working_directory: { directory: project.dir } }];
  const steps: unknown[] = [];
  for (const site of p.pull) {
    const args = (await templates.renderPull(site.step.args, outputs)) as Record<string, unknown>;
    try {
      checkArgs(args, site.spec, `${site.where}.${site.step.given}`);
    } catch (e) {
      if (e instanceof StepError) throw new CliError(e.message);
      throw e;
    }
    steps.push({ [site.step.given]: { ...(site.step.id ? { id: site.step.id } : {}), ...args } });
  }
  return steps;
}

/** Prefect versions a flow by its file's hash when nothing else names one: same file, same version. */
async function fileHash(project: Project, p: Plan): Promise<string> {
  const { file } = parseEntrypoint(p.entry.entrypoint);
  return createHash("sha256")
    .update(await readFile(path.resolve(project.dir, file)))
    .digest("hex")
    .slice(0, 16);
}
