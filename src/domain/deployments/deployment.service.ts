// Deployment use cases: apply (upsert by flow + name), delete, pause and resume. Each runs in one
// transaction; a failed apply writes nothing.
import { inject, injectable } from "tsyringe";
import { BLOCK_REGISTRY, type BlockRegistry } from "../../blocks/index.js";
import type { Database, Tx } from "../../db/prisma-client.js";
import { json, nullableJson } from "../../db/json-columns.js";
import { inTransaction } from "../../db/transaction.js";
import { CLOCK, DATABASE, JSON_SCHEMAS, type Clock } from "../../tokens.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { resolveBlockReference } from "../blocks/block-reference.js";
import { NotFoundError } from "../errors.js";
import { ensureFlow } from "../flows/flow.repository.js";
import { deleteFutureAutoScheduledRuns } from "../flow-runs/scheduled-runs.js";
import { tagsKey } from "../json.js";
import { resolveWorkQueue } from "../work-pools/work-queue.repository.js";
import { checkWhatRunsNeed } from "./deployment-checks.js";
import { planDeployment, type DeploymentInput, type DeploymentPlan } from "./deployment-input.js";
import { reconcileSchedules } from "./schedule-reconciler.js";

@injectable()
export class DeploymentService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(JSON_SCHEMAS) private readonly schemas: JsonSchemaValidator,
    @inject(BLOCK_REGISTRY) private readonly registry: BlockRegistry,
  ) {}

  /** Creates or updates the deployment named (flowName, name); only fields present in the input change. */
  async apply(input: DeploymentInput): Promise<{ id: string; created: boolean }> {
    const now = this.clock.now();
    const plan = planDeployment(input, this.schemas, now);
    return inTransaction(this.db, async (tx) => {
      const flow = await ensureFlow(tx, plan.flowName);
      const existing = await tx.deployment.findUnique({ where: { flowId_name: { flowId: flow.id, name: plan.name } } });
      const refs = await this.resolveReferences(tx, plan);
      await checkWhatRunsNeed(tx, this.schemas, plan, existing, refs.workQueueId);
      const c = plan.columns;
      const data = {
        ...c,
        parameters: c.parameters && json(c.parameters),
        parameterOpenapiSchema: nullableJson(c.parameterOpenapiSchema),
        pullSteps: nullableJson(c.pullSteps),
        jobVariables: c.jobVariables && json(c.jobVariables),
        ...(plan.tags ? { tags: plan.tags, tagsKey: tagsKey(plan.tags) } : {}),
        ...refs,
        scheduleChangedAt: now,
      };
      let id: string;
      if (existing) {
        await tx.deployment.update({ where: { id: existing.id }, data });
        id = existing.id;
      } else {
        const created = await tx.deployment.create({
          data: {
            flowId: flow.id,
            name: plan.name,
            ...data,
            // Prefect's default: an object schema that accepts any parameters
            parameterOpenapiSchema: data.parameterOpenapiSchema ?? { type: "object", properties: {} },
          },
        });
        id = created.id;
      }
      if (plan.schedules) {
        const { staleKeys } = await reconcileSchedules(tx, id, plan.schedules);
        await deleteFutureAutoScheduledRuns(tx, id, now, staleKeys);
      }
      if (existing && !existing.paused && plan.columns.paused === true) {
        await deleteFutureAutoScheduledRuns(tx, id, now);
      }
      return { id, created: !existing };
    });
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
      await tx.deployment.update({ where: { id }, data: { paused, scheduleChangedAt: now } });
      if (paused) await deleteFutureAutoScheduledRuns(tx, id, now);
    });
  }

  private async resolveReferences(tx: Tx, plan: DeploymentPlan) {
    const refs: {
      workQueueId?: string | null;
      workQueueName?: string | null;
      storageDocumentId?: string | null;
      storagePath?: string | null;
      infrastructureDocumentId?: string | null;
    } = {};
    if (plan.queue) {
      const queue = await resolveWorkQueue(tx, plan.queue.poolName, plan.queue.queueName);
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
