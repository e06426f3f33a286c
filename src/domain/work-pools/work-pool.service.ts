// Work pool and work queue management, and worker heartbeats.
import { inject, injectable } from "tsyringe";
import { BLOCK_REGISTRY, type BlockRegistry } from "../../blocks/index.js";
import { json, nullableJson } from "../../db/json-columns.js";
import type { Database, Tx } from "../../db/prisma-client.js";
import { inTransaction, isUniqueViolation, lockWorkPool, lockWorkQueue } from "../../db/transaction.js";
import { TERMINAL_STATES } from "../../orchestration/states.js";
import { CLOCK, DATABASE, JSON_SCHEMAS, type Clock } from "../../tokens.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../errors.js";
import { normalizeTags, type JsonObject } from "../json.js";
import { LIMITS } from "../limits.js";
import { checkLength, checkName, quoteName } from "../names.js";
import { checkBaseJobTemplate } from "./base-job-template.js";
import { deploymentsBrokenBy } from "./template-change.js";
import { AGENT_POOL_TYPE, DEFAULT_QUEUE } from "./work-pool-defaults.js";
import { ensureWorkPool } from "./work-queue.repository.js";

export interface WorkPoolInput {
  name: string;
  type: string;
  description?: string | null;
  baseJobTemplate?: unknown;
  concurrencyLimit?: number | null;
  isPaused?: boolean | null;
}

export interface PoolTypeInfo {
  type: string;
  /** the block type that runs its flow runs; null for agent pools */
  blockType: string | null;
  plugin: string | null;
  description: string | null;
  /** what a pool of this type gets when created without one */
  baseJobTemplate: JsonObject;
}

export type WorkPoolUpdate = Partial<Omit<WorkPoolInput, "name" | "type">>;
export interface WorkQueueInput {
  workPoolName: string;
  name: string;
  priority?: number | null;
  concurrencyLimit?: number | null;
  isPaused?: boolean | null;
  /** a legacy tag-filtered queue (see claim.service.ts); null or absent: a normal queue */
  filterTags?: string[] | null;
}
/** filterTags: absent keeps the stored value, null makes the queue a normal one again */
export type WorkQueueUpdate = Partial<
  Pick<WorkQueueInput, "priority" | "concurrencyLimit" | "isPaused" | "filterTags">
>;
/** What deleting a queue did: what pointed at it now points at the pool's default queue. */
export interface WorkQueueDeletion {
  id: string;
  name: string;
  workPoolName: string;
  defaultQueueId: string;
  deploymentsMoved: number;
  flowRunsMoved: number;
}

@injectable()
export class WorkPoolService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(JSON_SCHEMAS) private readonly schemas: JsonSchemaValidator,
    @inject(BLOCK_REGISTRY) private readonly registry: BlockRegistry,
  ) {}

  /**
   * The pool types workers here can run: the plugins' (docker, kubernetes…, with their default base
   * job templates), each infrastructure block type standing for itself (process), and agent.
   */
  types(): PoolTypeInfo[] {
    const declared = this.registry.workPoolTypes().map((t) => ({
      type: t.type,
      blockType: t.blockType,
      plugin: t.plugin,
      description: t.description ?? null,
      baseJobTemplate: t.baseJobTemplate as JsonObject,
    }));
    const blocks = this.registry.byCapability("run-infrastructure").map((t) => ({
      type: t.slug,
      blockType: t.slug,
      plugin: t.plugin,
      description: t.description,
      baseJobTemplate: {},
    }));
    const agent = {
      type: AGENT_POOL_TYPE,
      blockType: null,
      plugin: null,
      description: "runs use their deployments' own infrastructure blocks (ordo agent start)",
      baseJobTemplate: {},
    };
    return [...declared, ...blocks, agent];
  }

  async createPool(input: WorkPoolInput): Promise<{ id: string }> {
    checkName(input.name, "input.name");
    if (input.type !== AGENT_POOL_TYPE && !this.registry.infrastructureFor(input.type)) {
      const known = [
        AGENT_POOL_TYPE,
        ...this.registry.workPoolTypes().map((t) => t.type),
        ...this.registry.byCapability("run-infrastructure").map((t) => t.slug),
      ].join(", ");
      throw new BadUserInputError(
        `input.type must be a work-pool type or an infrastructure block type of the loaded plugins (${known}), got "${input.type}"`,
        "input.type",
      );
    }
    checkLength(input.description, LIMITS.descriptionLength, "input.description");
    // a plugin's pool type brings its base job template (Prefect's worker default), unless one is given
    const given = input.baseJobTemplate ?? this.registry.workPoolType(input.type)?.baseJobTemplate;
    const template = checkBaseJobTemplate(given, "input.baseJobTemplate", this.schemas);
    checkLimit(input.concurrencyLimit, "input.concurrencyLimit");
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      if (await tx.workPool.findUnique({ where: { name: input.name } })) {
        throw new ConflictError(`A work pool named ${quoteName(input.name)} already exists`, "input.name");
      }
      const pool = await tx.workPool.create({
        data: {
          name: input.name,
          type: input.type,
          description: input.description ?? null,
          baseJobTemplate: json(template),
          concurrencyLimit: input.concurrencyLimit ?? null,
          isPaused: input.isPaused ?? false,
          created: now,
          updated: now,
        },
      });
      const queue = await tx.workQueue.create({
        data: { workPoolId: pool.id, name: DEFAULT_QUEUE, priority: 1, created: now, updated: now },
      });
      await tx.workPool.update({ where: { id: pool.id }, data: { defaultQueueId: queue.id, updated: now } });
      return { id: pool.id };
    });
  }

  /**
   * A new base job template must keep every deployment of the pool valid: one whose stored job
   * variables would fail the new `variables` schema makes it a CONFLICT naming those deployments
   * (they would otherwise fail at their next run); change or re-apply them first.
   */
  async updatePool(name: string, input: WorkPoolUpdate): Promise<{ id: string }> {
    checkLength(input.description, LIMITS.descriptionLength, "input.description");
    const template =
      input.baseJobTemplate !== undefined
        ? checkBaseJobTemplate(input.baseJobTemplate, "input.baseJobTemplate", this.schemas)
        : undefined;
    checkLimit(input.concurrencyLimit, "input.concurrencyLimit");
    return inTransaction(this.db, async (tx) => {
      const pool = await this.findPool(tx, name, "name");
      if (template !== undefined) {
        const broken = await deploymentsBrokenBy(tx, this.schemas, pool.id, template);
        if (broken.length) {
          throw new ConflictError(
            `The new baseJobTemplate would make the job variables of ${broken.length} deployment${broken.length > 1 ? "s" : ""} invalid: ${broken.join("; ")}`,
            "input.baseJobTemplate",
          );
        }
      }
      await tx.workPool.update({
        where: { id: pool.id },
        data: {
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(template !== undefined ? { baseJobTemplate: json(template) } : {}),
          ...(input.concurrencyLimit !== undefined ? { concurrencyLimit: input.concurrencyLimit } : {}),
          ...(input.isPaused != null ? { isPaused: input.isPaused } : {}),
          updated: this.clock.now(),
        },
      });
      return { id: pool.id };
    });
  }

  /** Deployments and runs of the pool keep existing, without a queue. */
  async deletePool(name: string): Promise<boolean> {
    const pool = await this.db.client.workPool.findUnique({ where: { name } });
    if (!pool) return false;
    await this.db.client.workPool.delete({ where: { id: pool.id } });
    return true;
  }

  async createQueue(input: WorkQueueInput): Promise<{ id: string }> {
    checkName(input.name, "input.name");
    checkLimit(input.concurrencyLimit, "input.concurrencyLimit");
    checkPriority(input.priority, "input.priority");
    checkFilterTags(input.filterTags, "input.filterTags");
    const now = this.clock.now();
    try {
      return await inTransaction(this.db, async (tx) => {
        const pool = await this.findPool(tx, input.workPoolName, "input.workPoolName");
        if (await tx.workQueue.findUnique({ where: { workPoolId_name: { workPoolId: pool.id, name: input.name } } })) {
          throw new ConflictError(
            `Work pool ${quoteName(pool.name)} already has a queue named ${quoteName(input.name)}`,
            "input.name",
          );
        }
        const last = await tx.workQueue.aggregate({ where: { workPoolId: pool.id }, _max: { priority: true } });
        const priority = input.priority ?? (last._max.priority ?? 0) + 1;
        // an explicit priority makes room, so priorities stay unique within the pool (Prefect)
        if (input.priority != null) await shiftPriorities(tx, pool.id, priority, now);
        return tx.workQueue.create({
          data: {
            workPoolId: pool.id,
            name: input.name,
            priority,
            concurrencyLimit: input.concurrencyLimit ?? null,
            isPaused: input.isPaused ?? false,
            filterTags: nullableJson(input.filterTags ?? null),
            created: now,
            updated: now,
          },
          select: { id: true },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ConflictError(`That work pool already has a queue named ${quoteName(input.name)}`, "input.name");
      throw e;
    }
  }

  async updateQueue(id: string, input: WorkQueueUpdate): Promise<{ id: string }> {
    checkLimit(input.concurrencyLimit, "input.concurrencyLimit");
    checkPriority(input.priority, "input.priority");
    checkFilterTags(input.filterTags, "input.filterTags");
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      const queue = await tx.workQueue.findUnique({ where: { id } });
      if (!queue) throw new NotFoundError(`No work queue with id ${id}`, "id");
      if (input.priority != null && input.priority !== queue.priority)
        await shiftPriorities(tx, queue.workPoolId, input.priority, now, id);
      await tx.workQueue.update({
        where: { id },
        data: {
          ...(input.priority != null ? { priority: input.priority } : {}),
          ...(input.concurrencyLimit !== undefined ? { concurrencyLimit: input.concurrencyLimit } : {}),
          ...(input.isPaused != null ? { isPaused: input.isPaused } : {}),
          ...(input.filterTags !== undefined ? { filterTags: nullableJson(input.filterTags) } : {}),
          updated: now,
        },
      });
      return { id };
    });
  }

  /**
   * Deletes a queue that is not its pool's default (Prefect refuses that one too). Its
   * deployments and its runs not finished yet move to the pool's default queue in the same
   * transaction, so none is stranded without a queue; finished runs keep the deleted queue's name
   * as history (their queue reference is cleared by the foreign key). No run changes state, so
   * nothing is published.
   */
  async deleteQueue(id: string): Promise<WorkQueueDeletion> {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      const queue = await tx.workQueue.findUnique({ where: { id }, include: { workPool: true } });
      if (!queue) throw new NotFoundError(`No work queue with id ${id}`, "id");
      const pool = queue.workPool;
      // claims on the pool count its queues' runs under this lock: none sees the move half done
      await lockWorkPool(this.db, tx, pool.id);
      await lockWorkQueue(this.db, tx, id);
      // a pool always has one; ensureWorkPool only repairs a row that somehow lost it
      const defaultQueueId = pool.defaultQueueId ?? (await ensureWorkPool(tx, pool.name, now)).defaultQueueId;
      if (defaultQueueId === id) {
        throw new BadUserInputError(
          `Work queue ${quoteName(queue.name)} is the default queue of work pool ${quoteName(pool.name)} (deployments and runs naming no queue go there), so it cannot be deleted: pause it to stop workers taking its runs, or delete the whole pool`,
          "id",
        );
      }
      const target = await tx.workQueue.findUniqueOrThrow({ where: { id: defaultQueueId } });
      const moveTo = { workQueueId: target.id, workQueueName: target.name };
      const deployments = await tx.deployment.updateMany({
        where: { workQueueId: id },
        data: { ...moveTo, updated: now },
      });
      const runs = await tx.flowRun.updateMany({
        where: { workQueueId: id, stateType: { notIn: [...TERMINAL_STATES] } },
        data: { ...moveTo, updated: now },
      });
      await tx.workQueue.delete({ where: { id } });
      return {
        id,
        name: queue.name,
        workPoolName: pool.name,
        defaultQueueId: target.id,
        deploymentsMoved: deployments.count,
        flowRunsMoved: runs.count,
      };
    });
  }

  /** A worker says it is alive; it is ONLINE until it misses 3 heartbeats. */
  async heartbeat(poolName: string, workerName: string, intervalSeconds?: number | null): Promise<{ id: string }> {
    checkName(workerName, "workerName");
    const pool = await this.findPool(this.db.client, poolName, "workPoolName");
    const now = this.clock.now();
    return this.db.client.worker.upsert({
      where: { workPoolId_name: { workPoolId: pool.id, name: workerName } },
      create: {
        workPoolId: pool.id,
        name: workerName,
        lastHeartbeatTime: now,
        heartbeatIntervalSeconds: intervalSeconds ?? null,
        created: now,
        updated: now,
      },
      update: {
        lastHeartbeatTime: now,
        updated: now,
        ...(intervalSeconds != null ? { heartbeatIntervalSeconds: intervalSeconds } : {}),
      },
      select: { id: true },
    });
  }

  private async findPool(client: Tx | Database["client"], name: string, field: string) {
    const pool = await client.workPool.findUnique({ where: { name } });
    if (!pool) throw new NotFoundError(`No work pool named ${quoteName(name)}`, field);
    return pool;
  }
}

async function shiftPriorities(tx: Tx, workPoolId: string, from: number, now: Date, except?: string): Promise<void> {
  await tx.workQueue.updateMany({
    where: { workPoolId, priority: { gte: from }, ...(except ? { id: { not: except } } : {}) },
    data: { priority: { increment: 1 }, updated: now },
  });
}

function checkLimit(limit: number | null | undefined, field: string): void {
  if (limit != null && limit < 0)
    throw new BadUserInputError(`${field} must be ≥ 0 (0 pauses claiming; null = no limit)`, field);
}

/**
 * A legacy queue's tags: at least one (null, not [], is "no filter"), each non-empty, without "|"
 * (the separator of the runs' tag key, see dueRuns), no duplicates. Matching is exact, so tags
 * are kept as given.
 */
function checkFilterTags(tags: readonly string[] | null | undefined, field: string): void {
  if (tags == null) return;
  if (tags.length === 0)
    throw new BadUserInputError(`${field} must name at least one tag (null makes the queue a normal one)`, field);
  // the general tag rules (non-empty, no "|", length and count bounds), then no repeats
  normalizeTags(tags, field);
  tags.forEach((tag, i) => {
    if (tags.indexOf(tag) !== i)
      throw new BadUserInputError(`${field}[${i}] repeats the tag ${quoteName(tag)}`, `${field}[${i}]`);
  });
}

function checkPriority(priority: number | null | undefined, field: string): void {
  if (priority != null && priority < 1) throw new BadUserInputError(`${field} must be ≥ 1 (lower runs first)`, field);
}
