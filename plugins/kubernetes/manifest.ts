// Renders the Job manifest a run creates: the base Job (block `job`, the work-pool's
// `job_manifest`, or Prefect's minimal one), the shortcut fields, the run's env/labels/command,
// then the RFC 6902 customizations; and validates it against the batch/v1 Job schema.
import fastJsonPatch, { type Operation } from "fast-json-patch";
import type { InfrastructureJob } from "ordo/blocks-sdk";
import { defaultJobManifest, type KubernetesJobConfig } from "./schema.js";

type Obj = Record<string, unknown>;

/** What the image runs when the worker sends its own host command (see containerArgs). */
export const CONTAINER_EXECUTE_COMMAND = ["ordo", "flow-run", "execute"];
const DEFAULT_GENERATE_NAME = "ordo-job-";

export class ManifestError extends Error {
  constructor(message: string) {
    super(`kubernetes-job: ${message}`);
    this.name = "ManifestError";
  }
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The object at `key`, created (or replaced, when it is not an object) so it can be filled in. */
function child(parent: Obj, key: string): Obj {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Obj;
}

/** Splits a command string as a POSIX shell would (quotes and backslashes; no expansion). */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word = (word ?? "") + c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!))
        word = (word ?? "") + command[++i]!;
      else word = (word ?? "") + c;
    } else if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < command.length) {
      word = (word ?? "") + command[++i];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new ManifestError(`command has an unclosed ${quote} quote`);
  if (word !== null) out.push(word);
  return out;
}

/**
 * The container's args. The block's `command` wins (Prefect's KubernetesJob: the flow run's
 * command only fills a missing one). The worker's default command runs Ordo on the worker's own
 * host (`<node> <ordo>/bin/ordo.mjs flow-run execute <id>`), a path that means nothing in an
 * image, so it becomes `ordo flow-run execute` there, which reads ORDO_FLOW_RUN_ID from the env
 * (as Prefect's image runs `prefect flow-run execute`).
 */
export function containerArgs(
  config: KubernetesJobConfig,
  job: Pick<InfrastructureJob, "command" | "defaultCommand">,
): string[] | undefined {
  if (typeof config.command === "string") return splitCommand(config.command);
  if (Array.isArray(config.command) && config.command.length > 0) return [...config.command];
  if (job.command.length === 0) return undefined;
  return job.defaultCommand ? [...CONTAINER_EXECUTE_COMMAND] : [...job.command];
}

/** Kubernetes label values: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric (Prefect slugifies them too). */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** A DNS-1123 prefix for generateName: the API server appends 5 random characters. */
function generateNamePrefix(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 56)
    .replace(/-+$/, "");
  return slug ? `${slug}-` : DEFAULT_GENERATE_NAME;
}

/** container env: a list of {name, value|valueFrom} (or the template's {{ env }} map), then each layer; null removes. */
function mergeEnv(base: unknown, ...layers: (Record<string, string | null> | undefined)[]): Obj[] {
  const list: Obj[] = Array.isArray(base)
    ? base.filter(isObj).map((e) => ({ ...e }))
    : isObj(base)
      ? Object.entries(base)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([name, value]) => ({ name, value: String(value) }))
      : [];
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      const at = list.findIndex((e) => e.name === name);
      if (value === null) {
        if (at >= 0) list.splice(at, 1);
      } else if (at >= 0) list[at] = { name, value };
      else list.push({ name, value });
    }
  }
  return list;
}

/** The manifest before validation; throws ManifestError naming what is wrong. */
export function renderJobManifest(
  config: KubernetesJobConfig,
  job: Pick<InfrastructureJob, "command" | "defaultCommand" | "env" | "labels">,
): Obj {
  const base = config.job ?? config.job_manifest ?? defaultJobManifest();
  const manifest = structuredClone(base) as Obj;
  manifest.apiVersion ??= "batch/v1";
  manifest.kind ??= "Job";

  const metadata = child(manifest, "metadata");
  metadata.namespace =
    config.namespace ?? (typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : "default");
  if (config.name) {
    delete metadata.name;
    metadata.generateName = generateNamePrefix(config.name);
  } else if (typeof metadata.name !== "string" || !metadata.name) {
    delete metadata.name;
    // the work-pool template's "{{ name }}-" stays unrendered when no name variable was given
    const given = metadata.generateName;
    if (typeof given !== "string" || given.includes("{{") || /^-*$/.test(given))
      metadata.generateName = DEFAULT_GENERATE_NAME;
  }
  const labels: Obj = isObj(metadata.labels) ? { ...metadata.labels } : {};
  for (const [k, v] of Object.entries({ ...config.labels, ...job.labels })) labels[k] = labelValue(v);
  metadata.labels = labels;

  const spec = child(manifest, "spec");
  // one attempt: retrying a flow run is the orchestrator's decision, not Kubernetes'
  spec.backoffLimit ??= 0;
  if (config.finished_job_ttl !== undefined && config.finished_job_ttl !== null)
    spec.ttlSecondsAfterFinished = config.finished_job_ttl;
  const podSpec = child(child(spec, "template"), "spec");
  podSpec.restartPolicy ??= "Never";
  if (config.service_account_name) podSpec.serviceAccountName = config.service_account_name;
  if (!Array.isArray(podSpec.containers) || podSpec.containers.length === 0)
    podSpec.containers = [{ name: "ordo-job" }];
  const containers = podSpec.containers as unknown[];
  if (!isObj(containers[0])) throw new ManifestError("spec.template.spec.containers[0] is not an object");
  const container = containers[0];
  container.name ??= "ordo-job";
  if (config.image) container.image = config.image;
  if (config.image_pull_policy) container.imagePullPolicy = config.image_pull_policy;
  const args = containerArgs(config, job);
  if (args) container.args = args;
  else if (typeof container.args === "string") container.args = splitCommand(container.args);
  container.env = mergeEnv(container.env, config.env, job.env);

  for (const [i, op] of (config.customizations ?? []).entries()) applyCustomization(manifest, op, i);
  return manifest;
}

function applyCustomization(
  manifest: Obj,
  op: NonNullable<KubernetesJobConfig["customizations"]>[number],
  index: number,
): void {
  try {
    // validate: a missing path is an error rather than a silent no-op; prototype keys are refused
    fastJsonPatch.applyOperation(manifest, op as Operation, true, true, true, index);
  } catch (e) {
    const why =
      e instanceof Error
        ? e.name === "TEST_OPERATION_FAILED"
          ? "the test failed"
          : e.message.split("\n")[0]
        : String(e);
    // op and path only: a value may be private
    throw new ManifestError(`customization ${index} (${op.op} ${op.path}) cannot be applied: ${why}`);
  }
}

/** The manifest checked against Kubernetes' batch/v1 Job schema (kubernetes-models, loaded on first use). */
export async function validateJobManifest(manifest: Obj): Promise<void> {
  const { Job } = await import("kubernetes-models/batch/v1/Job");
  if (manifest.apiVersion !== "batch/v1" || manifest.kind !== "Job") {
    throw new ManifestError(
      `the manifest must be a batch/v1 Job, not ${String(manifest.apiVersion)} ${String(manifest.kind)}`,
    );
  }
  try {
    new Job(manifest as never).validate();
  } catch (e) {
    const errors = (e as { errors?: { instancePath?: string; message?: string }[] }).errors;
    const detail = errors?.length
      ? errors
          .map(
            (x) =>
              `${(x.instancePath ?? "").replace(/^\//, "").replace(/\//g, ".") || "(root)"} ${x.message ?? "is invalid"}`,
          )
          .join("; ")
      : (e as Error).message;
    throw new ManifestError(`the Job manifest is invalid: ${detail}`);
  }
  const containers = (manifest.spec as Obj | undefined)?.template as Obj | undefined;
  const first = ((containers?.spec as Obj | undefined)?.containers as Obj[] | undefined)?.[0];
  if (!first?.image)
    throw new ManifestError(
      "no container image: set `image` (or the manifest's spec.template.spec.containers[0].image)",
    );
}

/** Rendered and validated: what createNamespacedJob sends. */
export async function buildJobManifest(
  config: KubernetesJobConfig,
  job: Pick<InfrastructureJob, "command" | "env" | "labels">,
): Promise<Obj> {
  const manifest = renderJobManifest(config, job);
  await validateJobManifest(manifest);
  return manifest;
}
