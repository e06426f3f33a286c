// Flow runs: the FlowRun type, its connection and filter, and the read queries.
import { flowRunWhere } from "../../domain/flow-runs/flow-run-filter.js";
import { jobConfigurationFor } from "../../domain/work-pools/job-variables.js";
import { builder } from "../builder.js";
import { StateTypeEnum } from "./enums.js";
import { stringList } from "./json-fields.js";
import { WorkPool } from "./work-pool.js";

export const FlowRun = builder.prismaObject("FlowRun", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    flow: t.relation("flow"),
    deployment: t.relation("deployment", { nullable: true }),
    deploymentVersion: t.exposeString("deploymentVersion", { nullable: true }),
    parameters: t.expose("parameters", { type: "JSON" }),
    jobVariables: t.expose("jobVariables", { type: "JSON" }),
    tags: t.stringList({ resolve: (r) => stringList(r.tags) }),
    idempotencyKey: t.exposeString("idempotencyKey", { nullable: true }),
    autoScheduled: t.exposeBoolean("autoScheduled"),
    // every run gets its first state in the transaction that creates it
    state: t.relation("state", { nullable: false, onNull: "error" }),
    stateType: t.field({ type: StateTypeEnum, resolve: (r) => r.stateType as typeof StateTypeEnum.$inferType }),
    stateName: t.exposeString("stateName"),
    states: t.relation("states", {
      description: "full history, oldest first",
      query: { orderBy: { timestamp: "asc" } },
    }),
    expectedStartTime: t.expose("expectedStartTime", { type: "DateTime", nullable: true }),
    nextScheduledStartTime: t.expose("nextScheduledStartTime", { type: "DateTime", nullable: true }),
    startTime: t.expose("startTime", { type: "DateTime", nullable: true }),
    endTime: t.expose("endTime", { type: "DateTime", nullable: true }),
    totalRunTime: t.exposeFloat("totalRunTime", { description: "seconds spent RUNNING" }),
    runCount: t.exposeInt("runCount"),
    retryPolicy: t.field({
      type: "JSON",
      description: "retries, retryDelaySeconds, retryType, resuming, pauseKeys",
      resolve: (r) => r.empiricalPolicy,
    }),
    workPool: t.field({
      type: WorkPool,
      nullable: true,
      select: (_args, _ctx, nested) => ({ workQueue: { select: { workPool: nested(true) } } }),
      resolve: (r) => r.workQueue?.workPool ?? null,
    }),
    workQueue: t.relation("workQueue", { nullable: true }),
    workQueueName: t.exposeString("workQueueName", { nullable: true }),
    infrastructurePid: t.exposeString("infrastructurePid", { nullable: true }),
    lastHeartbeat: t.expose("lastHeartbeat", { type: "DateTime", nullable: true }),
    jobConfiguration: t.field({
      type: "JSON",
      description:
        "what the infrastructure runs with: the pool's job template filled with pool defaults ← deployment ← run job variables",
      select: {
        jobVariables: true,
        deployment: { select: { jobVariables: true } },
        workQueue: { select: { workPool: { select: { baseJobTemplate: true } } } },
      },
      resolve: (r) =>
        jobConfigurationFor(
          r.workQueue?.workPool.baseJobTemplate ?? {},
          r.deployment?.jobVariables ?? {},
          r.jobVariables,
        ),
    }),
    created: t.expose("created", { type: "DateTime" }),
    updated: t.expose("updated", { type: "DateTime" }),
  }),
});

export const FlowRunConnection = builder.connectionObject({ type: FlowRun, name: "FlowRunConnection" });

export const FlowRunFilter = builder.inputType("FlowRunFilter", {
  fields: (t) => ({
    deploymentId: t.id(),
    flowId: t.id(),
    stateTypes: t.field({ type: [StateTypeEnum] }),
    tags: t.stringList({ description: "runs having all of these tags" }),
    workPoolName: t.string(),
    autoScheduled: t.boolean(),
    expectedStartAfter: t.field({ type: "DateTime" }),
    expectedStartBefore: t.field({ type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  flowRuns: t.prismaConnection(
    {
      authScopes: { read: true },
      type: "FlowRun",
      cursor: "id",
      description: "newest expected start first",
      args: { filter: t.arg({ type: FlowRunFilter }) },
      totalCount: (_parent, args, ctx) => ctx.db.flowRun.count({ where: flowRunWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.flowRun.findMany({
          ...query,
          where: flowRunWhere(args.filter),
          orderBy: [{ expectedStartTime: "desc" }, { id: "desc" }],
        }),
    },
    FlowRunConnection,
  ),
  flowRun: t.prismaField({
    authScopes: { read: true },
    type: "FlowRun",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.flowRun.findUnique({ ...query, where: { id: args.id } }),
  }),
}));
