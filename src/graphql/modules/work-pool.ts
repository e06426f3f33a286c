// Work pools, their queues and workers (read side); statuses are derived from heartbeats and polls.
import type { PoolTypeInfo } from "../../domain/work-pools/work-pool.service.js";
import { builder } from "../builder.js";
import { stringList } from "./json-fields.js";

/** A worker is offline after missing 3 heartbeats (Prefect's foreman rule). */
const OFFLINE_AFTER_HEARTBEATS = 3;
const DEFAULT_HEARTBEAT_SECONDS = 30;
/** A queue not polled for this long is NOT_READY. */
const QUEUE_READY_SECONDS = 60;

function workerOnline(w: { lastHeartbeatTime: Date; heartbeatIntervalSeconds: number | null }, now: Date): boolean {
  const interval = w.heartbeatIntervalSeconds ?? DEFAULT_HEARTBEAT_SECONDS;
  return now.getTime() - w.lastHeartbeatTime.getTime() <= OFFLINE_AFTER_HEARTBEATS * interval * 1000;
}

export const WorkPool = builder.prismaObject("WorkPool", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    type: t.exposeString("type", { description: "the infrastructure block type its workers run flow runs with" }),
    description: t.exposeString("description", { nullable: true }),
    baseJobTemplate: t.expose("baseJobTemplate", { type: "JSON" }),
    isPaused: t.exposeBoolean("isPaused"),
    concurrencyLimit: t.exposeInt("concurrencyLimit", { nullable: true }),
    status: t.string({
      description: "PAUSED, READY (a worker is online) or NOT_READY",
      select: { isPaused: true, workers: { select: { lastHeartbeatTime: true, heartbeatIntervalSeconds: true } } },
      resolve: (p, _args, ctx) => {
        const now = ctx.clock.now();
        return p.isPaused ? "PAUSED" : p.workers.some((w) => workerOnline(w, now)) ? "READY" : "NOT_READY";
      },
    }),
    defaultQueue: t.relation("defaultQueue", { nullable: true }),
    queues: t.relation("queues", { query: { orderBy: [{ priority: "asc" }, { name: "asc" }] } }),
    workers: t.relation("workers", { query: { orderBy: { name: "asc" } } }),
  }),
});

builder.prismaObject("WorkQueue", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    workPool: t.relation("workPool"),
    priority: t.exposeInt("priority", { description: "lower runs first" }),
    concurrencyLimit: t.exposeInt("concurrencyLimit", { nullable: true }),
    isPaused: t.exposeBoolean("isPaused"),
    filterTags: t.stringList({
      nullable: true,
      description:
        "set on a legacy tag-filtered queue: it also takes runs bound to no queue whose tags include all of these",
      select: { filterTags: true },
      resolve: (q) => (q.filterTags === null ? null : stringList(q.filterTags)),
    }),
    lastPolled: t.expose("lastPolled", { type: "DateTime", nullable: true }),
    status: t.string({
      description: "PAUSED, READY (polled within 60 s) or NOT_READY",
      select: { isPaused: true, lastPolled: true },
      resolve: (q, _args, ctx) =>
        q.isPaused
          ? "PAUSED"
          : q.lastPolled && ctx.clock.now().getTime() - q.lastPolled.getTime() <= QUEUE_READY_SECONDS * 1000
            ? "READY"
            : "NOT_READY",
    }),
  }),
});

builder.prismaObject("Worker", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    lastHeartbeatTime: t.expose("lastHeartbeatTime", { type: "DateTime" }),
    status: t.string({
      description: "ONLINE, or OFFLINE after 3 missed heartbeats",
      select: { lastHeartbeatTime: true, heartbeatIntervalSeconds: true },
      resolve: (w, _args, ctx) => (workerOnline(w, ctx.clock.now()) ? "ONLINE" : "OFFLINE"),
    }),
  }),
});

const WorkPoolType = builder.objectRef<PoolTypeInfo>("WorkPoolType").implement({
  description: "A type a work pool can have: what its workers run flow runs with",
  fields: (t) => ({
    type: t.exposeString("type"),
    blockType: t.exposeString("blockType", {
      nullable: true,
      description: "the infrastructure block type built from each run's job configuration; null for agent pools",
    }),
    plugin: t.exposeString("plugin", { nullable: true }),
    description: t.exposeString("description", { nullable: true }),
    baseJobTemplate: t.expose("baseJobTemplate", {
      type: "JSON",
      description: "what createWorkPool stores when given none",
    }),
  }),
});

builder.queryFields((t) => ({
  workPoolTypes: t.field({
    authScopes: { read: true },
    type: [WorkPoolType],
    description:
      "The pool types the server's plugins provide (docker, kubernetes…), the infrastructure block types, and agent",
    resolve: (_root, _args, ctx) => ctx.services.workPools.types(),
  }),
  workPools: t.prismaField({
    authScopes: { read: true },
    type: ["WorkPool"],
    resolve: (query, _root, _args, ctx) => ctx.db.workPool.findMany({ ...query, orderBy: { name: "asc" } }),
  }),
  workPool: t.prismaField({
    authScopes: { read: true },
    type: "WorkPool",
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.workPool.findUnique({ ...query, where: { name: args.name } }),
  }),
}));
