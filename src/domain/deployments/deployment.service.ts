// Deployment use cases: apply (upsert by flow + name), delete, pause and resume. Each runs in one
// transaction; a failed apply writes nothing.
import { inject, injectable } from "tsyringe";
import { BLOCK_REGISTRY, canonicalJson, type BlockRegistry } from "../../blocks/index.js";
import type { Database, Tx } from "../../db/prisma-client.js";
import { findDeploymentWithSchedules, type DeploymentWithSchedules } from "../../db/deployment-by-slug.js";
import { json, nullableJson } from "../../db/json-columns.js";
import { inTransaction } from "../../db/transaction.js";
import { CLOCK, DATABASE, JSON_SCHEMAS, type Clock } from "../../tokens.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { resolveBlockReference } from "../blocks/block-reference.js";
import { NotFoundError } from "../errors.js";
import { ensureFlow } from "../flows/flow.repository.js";
import { deleteFutureAutoScheduledRuns } from "../scheduling/scheduled-runs.js";
import { tagsKey } from "../json.js";
import { resolveWorkQueue } from "../work-pools/work-queue.repository.js";
import { checkWhatRunsNeed } from "./deployment-checks.js";
import { planDeployment, type DeploymentInput, type DeploymentPlan } from "./deployment-input.js";
import { reconcileSchedules } from "../scheduling/schedule-reconciler.js";

@injectable()
export class DeploymentService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(JSON_SCHEMAS) private readonly schemas: JsonSchemaValidator,
    @inject(BLOCK_REGISTRY) private readonly registry: BlockRegistry,
  ) {}

  /** The deployment `flowName/name` with its schedules in order: one SQL statement (the API's hottest read). */
  findBySlugWithSchedules(flowName: string, name: string): Promise<DeploymentWithSchedules | null> {
    return findDeploymentWithSchedules(this.db, flowName, name);
  }

  /**
   * Creates or updates the deployment named (flowName, name); only fields present in the input
   * change, and a deployment that already matches the input is not written at all (its `updated`
   * stays). `dryRun`: the same checks and comparison in a transaction that is rolled back.
   */
  async apply(input: DeploymentInput, opts: { dryRun?: boolean } = {}): Promise<ApplyOutcome> {
    const now = this.clock.now();
    const plan = planDeployment(input, this.schemas, now, this.registry.stepNames("pull"));
    const write = (tx: Tx) => this.applyPlan(tx, plan, now);
    if (!opts.dryRun) return inTransaction(this.db, write);
    try {
      await inTransaction(this.db, async (tx) => {
        throw new RolledBack(await write(tx));
      });
    } catch (e) {
      if (e instanceof RolledBack) return e.outcome;
      throw e;
    }
    throw new Error("unreachable: a dry run always rolls back");
  }

  private async applyPlan(tx: Tx, plan: DeploymentPlan, now: Date): Promise<ApplyOutcome> {
    const flow = await ensureFlow(tx, plan.flowName, now);
    const existing = await tx.deployment.findUnique({ where: { flowId_name: { flowId: flow.id, name: plan.name } } });
    const refs = await this.resolveReferences(tx, plan, now);
    await checkWhatRunsNeed(tx, this.schemas, plan, existing, refs.workQueueId);
    const values: Record<string, unknown> = { ...plan.columns, ...(plan.tags ? { tags: plan.tags } : {}), ...refs };
    if (!existing) {
      const c = plan.columns;
      const created = await tx.deployment.create({
        data: {
          flowId: flow.id,
          name: plan.name,
          ...toColumns(values),
          // Prefect's default: an object schema that accepts any parameters
          parameterOpenapiSchema: nullableJson(c.parameterOpenapiSchema) ?? { type: "object", properties: {} },
          scheduleChangedAt: now,
          // stamped by the injected clock, not Prisma's @updatedAt (the wall clock)
          created: now,
          updated: now,
        },
      });
      if (plan.schedules) await reconcileSchedules(tx, created.id, plan.schedules, now);
      return { id: created.id, created: true, changedFields: [] };
    }
    const changed = Object.keys(values).filter(
      (k) => canonicalJson(values[k] ?? null) !== canonicalJson((existing as Record<string, unknown>)[k] ?? null),
    );
    const schedules = plan.schedules ? await reconcileSchedules(tx, existing.id, plan.schedules, now) : null;
    if (schedules) await deleteFutureAutoScheduledRuns(tx, existing.id, now, schedules.staleKeys);
    if (changed.length === 0 && !schedules?.changed) return { id: existing.id, created: false, changedFields: [] };
    // every change may alter the runs the scheduler makes (version, parameters, queue, schedules)
    const update = Object.fromEntries(changed.map((k) => [k, values[k]]));
    await tx.deployment.update({
      where: { id: existing.id },
      data: { ...toColumns(update), scheduleChangedAt: now, updated: now },
    });
    if (!existing.paused && plan.columns.paused === true) await deleteFutureAutoScheduledRuns(tx, existing.id, now);
    return { id: existing.id, created: false, changedFields: fieldNames(changed, schedules?.changed ?? false) };
  }

  async delete(id: string): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const found = await tx.deployment.findUnique({ where: { id }, select: { id: true } });
      if (!found) return false;
      // scheduled runs (auto and manual) go with it; runs that started stay as history
      await tx.flowRun.deleteMany({ where: { deploymentId: id, stateType: "SCHEDULED", runCount: 0 } });
      await tx.deployment.delete({ where: { id } });
      return true;
    });
  }

  /** Pausing stops scheduling and deletes future auto-scheduled runs that never ran. */
  async setPaused(id: string, paused: boolean): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const found = await tx.deployment.findUnique({ where: { id }, select: { paused: true } });
      if (!found) throw new NotFoundError(`No deployment with id ${id}`, "id");
      if (found.paused === paused) return;
      await tx.deployment.update({ where: { id }, data: { paused, scheduleChangedAt: now, updated: now } });
      if (paused) await deleteFutureAutoScheduledRuns(tx, id, now);
    });
  }

  private async resolveReferences(tx: Tx, plan: DeploymentPlan, now: Date) {
    const refs: {
      workQueueId?: string | null;
      workQueueName?: string | null;
      storageDocumentId?: string | null;
      storagePath?: string | null;
      infrastructureDocumentId?: string | null;
    } = {};
    if (plan.queue) {
      const queue = await resolveWorkQueue(tx, plan.queue.poolName, plan.queue.queueName, now);
      refs.workQueueId = queue?.id ?? null;
      refs.workQueueName = queue?.name ?? null;
    }
    if (plan.storageBlock !== undefined) {
      const ref = plan.storageBlock
        ? await resolveBlockReference(tx, plan.storageBlock, "input.storageBlock", {
            allowSubPath: true,
            allowedTypes: this.registry.byCapability("get-directory").map((t) => t.slug),
            role: "storage (it cannot get-directory)",
          })
        : null;
      refs.storageDocumentId = ref?.id ?? null;
      refs.storagePath = ref?.subPath ?? null;
    }
    if (plan.infrastructureBlock !== undefined) {
      const ref = plan.infrastructureBlock
        ? await resolveBlockReference(tx, plan.infrastructureBlock, "input.infrastructureBlock", {
            allowSubPath: false,
            allowedTypes: this.registry.byCapability("run-infrastructure").map((t) => t.slug),
            role: "infrastructure (it cannot run-infrastructure)",
          })
        : null;
      refs.infrastructureDocumentId = ref?.id ?? null;
    }
    return refs;
  }
}

export interface ApplyOutcome {
  id: string;
  created: boolean;
  /** an update's changed fields, in the input's words; empty when it was created or already matched */
  changedFields: string[];
}

/** Carries a dry run's outcome out of the transaction it rolls back. */
class RolledBack extends Error {
  constructor(readonly outcome: ApplyOutcome) {
    super("dry run");
  }
}

/** Column values as Prisma writes them: JSON columns wrapped, tags with their lookup key. */
function toColumns(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const k of ["parameters", "jobVariables"]) if (k in values) out[k] = json(values[k]);
  for (const k of ["parameterOpenapiSchema", "pullSteps"]) if (k in values) out[k] = nullableJson(values[k]);
  if (Array.isArray(values.tags)) out.tagsKey = tagsKey(values.tags as string[]);
  return out;
}

/** The input's names for changed columns (a queue is named by pool and queue, a block by its reference). */
const FIELD_OF_COLUMN: Record<string, string> = {
  workQueueId: "workQueueName",
  workQueueName: "workQueueName",
  storageDocumentId: "storageBlock",
  storagePath: "storageBlock",
  infrastructureDocumentId: "infrastructureBlock",
};

function fieldNames(columns: string[], schedulesChanged: boolean): string[] {
  const names = new Set(columns.map((c) => FIELD_OF_COLUMN[c] ?? c));
  if (schedulesChanged) names.add("schedules");
  return [...names].sort();
}
