// A deployment about to be applied (from a file, or from build's flags) and the steps that apply a
// batch of them: check everything first (schedules, blocks, duplicates) so a bad document stops
// the batch before anything is written, then make inline blocks, upload, and apply.
import {
  CliDeploymentApplyDocument,
  CliDeploymentBlockDocument,
  type CliDeploymentDetailFragment,
  type DeploymentInput,
  type DeploymentScheduleInput,
} from "../../client/generated/graphql.js";
import { OrdoApiError, type OrdoClient } from "../../client/ordo-client.js";
import { apiUrl } from "../common/api.js";
import { CliError, describeError } from "../common/errors.js";
import { applyStatus, type ApplyStatus } from "./apply-status.js";
import { checkBlockRef, checkInlineBlock, ensureInlineBlock, storageRef, type BlockRole } from "./blocks.js";
import { checkSchedules } from "./schedules.js";
import type { BlockSpec } from "./spec-files.js";
import { uploadFolder } from "./upload.js";

export interface PlannedBlock {
  /** null: none (clears it); a slug or id; or an inline spec */
  spec: BlockSpec | null;
  where: string;
}

export interface DeploymentPlan {
  /** where the definition is (file:line:col), for errors */
  where: string;
  /** flowName/name */
  slug: string;
  /** applyDeployment's input; storageBlock and infrastructureBlock are filled in from the blocks below */
  input: DeploymentInput;
  /** undefined: the definition leaves it out, so the stored value stays */
  storage?: PlannedBlock;
  infrastructure?: PlannedBlock;
  schedules: Array<{ input: DeploymentScheduleInput; where: string }>;
  /** a local folder to upload to the storage block before applying */
  upload: { dir: string; exclude: string[] } | null;
}

export interface AppliedDeployment {
  plan: DeploymentPlan;
  /** unchanged: applying wrote nothing a reader could tell apart */
  status: ApplyStatus;
  /** an update's changed fields (the server's words) */
  changedFields: string[];
  deployment: CliDeploymentDetailFragment;
}

/** Everything that can be checked without writing: duplicates, schedules (with next dates), blocks. */
export async function checkPlans(
  client: OrdoClient,
  plans: DeploymentPlan[],
  scheduleDates = 1,
): Promise<string[][][]> {
  const seen = new Map<string, string>();
  for (const plan of plans) {
    const before = seen.get(plan.slug);
    if (before) throw new CliError(`${plan.where}: deployment ${plan.slug} is defined twice (also at ${before})`);
    seen.set(plan.slug, plan.where);
  }
  const dates: string[][][] = [];
  for (const plan of plans) {
    dates.push(await checkSchedules(client, plan.schedules, scheduleDates));
    await checkBlock(client, plan.storage, "storage", plan.upload !== null);
    await checkBlock(client, plan.infrastructure, "infrastructure", false);
    if (plan.upload && !plan.storage?.spec)
      throw new CliError(`${plan.where}: nothing to upload to: the deployment has no storage block`);
  }
  return dates;
}

/** Checks, then makes inline blocks, uploads (each folder once per block), and applies in order. */
export async function applyPlans(client: OrdoClient, plans: DeploymentPlan[]): Promise<AppliedDeployment[]> {
  await checkPlans(client, plans);
  const uploaded = new Set<string>();
  for (const plan of plans) {
    if (plan.storage !== undefined) plan.input.storageBlock = await materialize(client, plan.storage);
    if (plan.infrastructure !== undefined)
      plan.input.infrastructureBlock = await materialize(client, plan.infrastructure);
    if (plan.upload && plan.input.storageBlock) {
      const slug = await slugOf(client, plan.input.storageBlock);
      const key = JSON.stringify([slug, plan.upload.dir, plan.upload.exclude]);
      if (!uploaded.has(key))
        await uploadFolder(client, storageRef(slug, plan.storage!.where), plan.upload.dir, {
          exclude: plan.upload.exclude,
        });
      uploaded.add(key);
    }
  }
  const results: AppliedDeployment[] = [];
  for (const plan of plans) {
    try {
      const r = (await client.request(CliDeploymentApplyDocument, { input: plan.input })).applyDeployment;
      results.push({ plan, status: applyStatus(r), changedFields: r.changedFields, deployment: r.deployment });
    } catch (e) {
      if (e instanceof OrdoApiError)
        throw new CliError(`${plan.where}: deployment ${plan.slug}: ${describeError(e, apiUrl())}`);
      throw e;
    }
  }
  return results;
}

async function checkBlock(
  client: OrdoClient,
  block: PlannedBlock | undefined,
  role: BlockRole,
  needsUpload: boolean,
): Promise<void> {
  if (!block?.spec) return;
  if (typeof block.spec === "string") await checkBlockRef(client, block.spec, role, block.where, needsUpload);
  else await checkInlineBlock(client, block.spec, role, block.where);
}

async function materialize(client: OrdoClient, block: PlannedBlock): Promise<string | null> {
  if (block.spec === null) return null;
  return typeof block.spec === "string" ? block.spec : ensureInlineBlock(client, block.spec, block.where);
}

/** Uploads go through a slug (type/name[/path]); a block named by id is looked up. */
async function slugOf(client: OrdoClient, ref: string): Promise<string> {
  if (ref.includes("/")) return ref;
  const doc = (await client.request(CliDeploymentBlockDocument, { id: ref })).blockDocument;
  if (!doc) throw new CliError(`no block with id ${ref}`);
  return doc.slug;
}
