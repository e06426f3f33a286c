// Managing work pools and queues, worker heartbeats, and claiming runs.
import type { WorkQueueDeletion } from "../../domain/work-pools/work-pool.service.js";
import { builder } from "../builder.js";
import { LIMIT_TEXT as L } from "../limit-descriptions.js";

const FILTER_TAGS =
  "a legacy tag-filtered queue: besides its own runs it takes runs bound to no queue whose tags include all of these (exact, case-sensitive)";

const WorkPoolInput = builder.inputType("WorkPoolInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: L.name }),
    type: t.string({ required: true, description: "an infrastructure block type slug (e.g. process), or agent" }),
    description: t.string({ description: L.description }),
    baseJobTemplate: t.field({
      type: "JSON",
      description: `{ job_configuration, variables }: every {{ placeholder }} declared in variables; ${L.json}`,
    }),
    concurrencyLimit: t.int({ description: "PENDING + RUNNING runs across the pool's queues; null = no limit" }),
    isPaused: t.boolean(),
  }),
});

const WorkPoolUpdateInput = builder.inputType("WorkPoolUpdateInput", {
  fields: (t) => ({
    description: t.string({ description: L.description }),
    baseJobTemplate: t.field({
      type: "JSON",
      description: `refused (CONFLICT, naming them) when the job variables of a deployment of the pool would fail the new variables schema: change those deployments first; ${L.json}`,
    }),
    concurrencyLimit: t.int(),
    isPaused: t.boolean(),
  }),
});

const WorkQueueInput = builder.inputType("WorkQueueInput", {
  fields: (t) => ({
    workPoolName: t.string({ required: true }),
    name: t.string({ required: true, description: L.name }),
    priority: t.int({ description: "lower runs first; default after the existing queues" }),
    concurrencyLimit: t.int(),
    isPaused: t.boolean(),
    filterTags: t.stringList({ description: `${FILTER_TAGS}; ${L.tags}` }),
  }),
});

const WorkQueueUpdateInput = builder.inputType("WorkQueueUpdateInput", {
  fields: (t) => ({
    priority: t.int(),
    concurrencyLimit: t.int(),
    isPaused: t.boolean(),
    filterTags: t.stringList({
      description: `${FILTER_TAGS}; null makes it a normal queue again, absent keeps it; ${L.tags}`,
    }),
  }),
});

const ClaimFlowRunsInput = builder.inputType("ClaimFlowRunsInput", {
  fields: (t) => ({
    workPoolName: t.string({ required: true }),
    workQueueNames: t.stringList({ description: "empty or absent = every queue of the pool, by priority" }),
    workerName: t.string({ required: true, description: L.name }),
    limit: t.int({ description: "default 10, at most 200; 0 only marks the queues polled (a busy worker)" }),
    scheduledBefore: t.field({ type: "DateTime", description: "defaults to now" }),
    startRunning: t.boolean({
      description:
        "also propose RUNNING for each claimed run in the same transaction, for executors that start at once; the rules are those of a separate setFlowRunState (a run not due yet gets WAIT and is returned still PENDING: read stateType, and propose RUNNING later)",
    }),
  }),
});

const DeleteWorkQueuePayload = builder.objectRef<WorkQueueDeletion>("DeleteWorkQueuePayload").implement({
  description: "a deleted work queue, and what moved from it to its pool's default queue",
  fields: (t) => ({
    id: t.exposeID("id", { description: "the deleted queue's id" }),
    name: t.exposeString("name", { description: "the deleted queue's name" }),
    workPoolName: t.exposeString("workPoolName"),
    defaultQueue: t.prismaField({
      type: "WorkQueue",
      description: "the pool's default queue, where its deployments and unfinished runs now are",
      resolve: (query, p, _args, ctx) =>
        ctx.db.workQueue.findUniqueOrThrow({ ...query, where: { id: p.defaultQueueId } }),
    }),
    deploymentsMoved: t.exposeInt("deploymentsMoved"),
    flowRunsMoved: t.exposeInt("flowRunsMoved", {
      description:
        "runs not finished yet (SCHEDULED, PENDING, RUNNING, PAUSED, CANCELLING); finished runs keep its name as history",
    }),
  }),
});

builder.mutationFields((t) => ({
  createWorkPool: t.prismaField({
    authScopes: { write: true },
    type: "WorkPool",
    args: { input: t.arg({ type: WorkPoolInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.services.workPools.createPool(args.input);
      return ctx.db.workPool.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateWorkPool: t.prismaField({
    authScopes: { write: true },
    type: "WorkPool",
    args: { name: t.arg.string({ required: true }), input: t.arg({ type: WorkPoolUpdateInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.services.workPools.updatePool(args.name, args.input);
      return ctx.db.workPool.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  deleteWorkPool: t.boolean({
    authScopes: { write: true },
    description: "false when there was no such pool; its deployments and runs stay, without a queue",
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.workPools.deletePool(args.name),
  }),
  createWorkQueue: t.prismaField({
    authScopes: { write: true },
    type: "WorkQueue",
    args: { input: t.arg({ type: WorkQueueInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.services.workPools.createQueue(args.input);
      return ctx.db.workQueue.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateWorkQueue: t.prismaField({
    authScopes: { write: true },
    type: "WorkQueue",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: WorkQueueUpdateInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.workPools.updateQueue(args.id, args.input);
      return ctx.db.workQueue.findUniqueOrThrow({ ...query, where: { id: args.id } });
    },
  }),
  deleteWorkQueue: t.field({
    authScopes: { write: true },
    type: DeleteWorkQueuePayload,
    description:
      "deletes a queue; its deployments and its runs not finished yet move to the pool's default queue. The default queue itself is refused (BAD_USER_INPUT): it goes only with its pool",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.workPools.deleteQueue(args.id),
  }),
  workerHeartbeat: t.prismaField({
    authScopes: { worker: true },
    type: "Worker",
    args: {
      workPoolName: t.arg.string({ required: true }),
      workerName: t.arg.string({ required: true, description: L.name }),
      heartbeatIntervalSeconds: t.arg.int({
        description: "how often this worker beats (default 30); offline after 3 missed",
      }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.services.workPools.heartbeat(
        args.workPoolName,
        args.workerName,
        args.heartbeatIntervalSeconds,
      );
      return ctx.db.worker.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  claimFlowRuns: t.prismaField({
    authScopes: { worker: true },
    type: ["FlowRun"],
    description:
      "atomically moves up to limit due SCHEDULED runs to PENDING for this worker; a run is never returned twice",
    args: { input: t.arg({ type: ClaimFlowRunsInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const ids = await ctx.services.claims.claim(args.input);
      const read = { ...query, where: { id: { in: ids } } };
      // an empty poll (the common answer to an idle worker) reads nothing
      if (ids.length === 0) return [];
      const rows = await ctx.db.flowRun.findMany(read);
      const order = new Map(ids.map((id, i) => [id, i]));
      return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    },
  }),
}));
