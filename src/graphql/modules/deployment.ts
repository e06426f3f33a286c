// Deployments: the Deployment type, its queries, and apply / delete / pause / resume.
import { deploymentWhere } from "../../domain/deployments/deployment-filter.js";
import { parseDeploymentSlug } from "../../domain/deployments/deployment-slug.js";
import { flowRunWhere } from "../../domain/flow-runs/flow-run-filter.js";
import type { ApplyOutcome } from "../../domain/deployments/deployment.service.js";
import { builder } from "../builder.js";
import { LIMIT_TEXT as L } from "../limit-descriptions.js";
import { FlowRunConnection, FlowRunFilter } from "./flow-run.js";
import { stringList } from "./json-fields.js";
import { WorkPool } from "./work-pool.js";
import { DeploymentScheduleInput } from "./schedule.js";

const CollisionStrategy = builder.enumType("CollisionStrategy", {
  values: {
    ENQUEUE: { description: "the run stays SCHEDULED and is claimed once a slot frees up" },
    CANCEL_NEW: { description: "the run is CANCELLED (Deployment concurrency limit reached.)" },
  },
});

export const Deployment = builder.prismaObject("Deployment", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    slug: t.string({
      description: "flowName/deploymentName",
      select: { name: true, flow: { select: { name: true } } },
      resolve: (d) => `${d.flow.name}/${d.name}`,
    }),
    flow: t.relation("flow"),
    version: t.exposeString("version", { nullable: true }),
    description: t.exposeString("description", { nullable: true }),
    paused: t.exposeBoolean("paused"),
    schedules: t.relation("schedules", { query: { orderBy: { position: "asc" } } }),
    parameters: t.expose("parameters", { type: "JSON" }),
    parameterOpenapiSchema: t.expose("parameterOpenapiSchema", { type: "JSON", nullable: true }),
    enforceParameterSchema: t.exposeBoolean("enforceParameterSchema"),
    tags: t.stringList({ resolve: (d) => stringList(d.tags) }),
    path: t.exposeString("path", { nullable: true }),
    entrypoint: t.exposeString("entrypoint", { nullable: true }),
    pullSteps: t.expose("pullSteps", { type: "JSON", nullable: true }),
    jobVariables: t.expose("jobVariables", { type: "JSON" }),
    workPool: t.field({
      type: WorkPool,
      nullable: true,
      select: (_args, _ctx, nested) => ({ workQueue: { select: { workPool: nested(true) } } }),
      resolve: (d) => d.workQueue?.workPool ?? null,
    }),
    workQueue: t.relation("workQueue", { nullable: true }),
    workQueueName: t.exposeString("workQueueName", { nullable: true }),
    storageDocument: t.relation("storageDocument", { nullable: true }),
    storagePath: t.exposeString("storagePath", {
      nullable: true,
      description: "sub-path inside the storage block, from storageBlock type/name/sub/path",
    }),
    infrastructureDocument: t.relation("infrastructureDocument", { nullable: true }),
    concurrencyLimit: t.exposeInt("concurrencyLimit", { nullable: true }),
    collisionStrategy: t.field({
      type: CollisionStrategy,
      description: "what a claim does with a run of this deployment when concurrencyLimit is reached",
      resolve: (d) => d.collisionStrategy as "ENQUEUE" | "CANCEL_NEW",
    }),
    flowRuns: t.relatedConnection(
      "flowRuns",
      {
        cursor: "id",
        args: { filter: t.arg({ type: FlowRunFilter }) },
        query: (args) => ({
          where: flowRunWhere(args.filter),
          orderBy: [{ expectedStartTime: "desc" }, { id: "desc" }],
        }),
        totalCount: true,
      },
      FlowRunConnection,
    ),
    created: t.expose("created", { type: "DateTime" }),
    updated: t.expose("updated", { type: "DateTime" }),
  }),
});

/** Pothos's plan for scalar fields and `schedules` with scalar fields: what the one-statement read returns. */
const SCHEDULES_ONLY = JSON.stringify({ schedules: { orderBy: { position: "asc" } } });
function servedBySlugRead(query: { include?: unknown; select?: unknown }): boolean {
  const keys = Object.keys(query);
  return (
    keys.length === 0 ||
    (keys.length === 1 && keys[0] === "include" && JSON.stringify(query.include) === SCHEDULES_ONLY)
  );
}

export const DeploymentConnection = builder.connectionObject({ type: Deployment, name: "DeploymentConnection" });

const DeploymentFilter = builder.inputType("DeploymentFilter", {
  fields: (t) => ({
    nameContains: t.string(),
    flowName: t.string(),
    tags: t.stringList({ description: "deployments having all of these tags" }),
    paused: t.boolean(),
    workPoolName: t.string(),
    workQueueName: t.string(),
  }),
});

const DeploymentInput = builder.inputType("DeploymentInput", {
  description: "Fields left out keep their stored value on update; an explicit null resets a field to its default.",
  fields: (t) => ({
    flowName: t.string({ required: true, description: L.name }),
    name: t.string({ required: true, description: L.name }),
    version: t.string({ description: L.shortText }),
    description: t.string({ description: L.description }),
    paused: t.boolean(),
    schedules: t.field({
      type: [DeploymentScheduleInput],
      description:
        "replaces the schedule set; reconciled by slug, or by definition when no slug, so unchanged schedules keep their ids and runs. Left out: unchanged; [] or null: no schedules",
    }),
    parameters: t.field({
      type: "JSON",
      description: `validated at apply time against parameterOpenapiSchema when enforced (values a run may still give are not required); ${L.json}`,
    }),
    parameterOpenapiSchema: t.field({
      type: "JSON",
      description: `a JSON Schema (draft 2020-12) of the parameters; ${L.json}`,
    }),
    enforceParameterSchema: t.boolean({
      description: "default true: the deployment's and runs' parameters are validated against parameterOpenapiSchema",
    }),
    tags: t.stringList({ description: L.tags }),
    path: t.string({ description: L.path }),
    entrypoint: t.string({ description: `path/to/file.ts:exportName (an export name after the last ":"); ${L.path}` }),
    pullSteps: t.field({
      type: "JSON",
      description: `a list of one-key objects { step_name: { …arguments } }, each a step workers know (set_working_directory, git_clone, pull_from_storage, pull_with_block, optionally prefixed ordo.deployments.steps. or prefect.deployments.steps.); ${L.json}`,
    }),
    jobVariables: t.field({
      type: "JSON",
      description: `validated at apply time against the work pool's variables schema (values a run may still give are not required); ${L.json}`,
    }),
    workPoolName: t.string({ description: `created (type process) with a default queue when missing; ${L.name}` }),
    workQueueName: t.string({
      description: `created when missing; without workPoolName it lives in default-agent-pool; ${L.name}`,
    }),
    storageBlock: t.string({
      description: `block document id, blockTypeSlug/name, or blockTypeSlug/name/sub/path; ${L.path}`,
    }),
    infrastructureBlock: t.string({ description: `block document id or blockTypeSlug/name; ${L.path}` }),
    concurrencyLimit: t.int({ description: "at most this many runs PENDING or RUNNING at once; null = no limit" }),
    collisionStrategy: t.field({ type: CollisionStrategy, description: "default ENQUEUE" }),
  }),
});

const CHANGED_FIELDS =
  "the input fields whose stored value changed (schedules: any schedule added, changed or removed); empty when created, or when the deployment already matched the input and nothing was written";

const ApplyDeploymentPayload = builder.objectRef<ApplyOutcome>("ApplyDeploymentPayload").implement({
  fields: (t) => ({
    deployment: t.prismaField({
      type: "Deployment",
      resolve: (query, p, _args, ctx) => ctx.db.deployment.findUniqueOrThrow({ ...query, where: { id: p.id } }),
    }),
    created: t.exposeBoolean("created"),
    changedFields: t.exposeStringList("changedFields", { description: CHANGED_FIELDS }),
  }),
});

const DeploymentApplyPreview = builder.objectRef<ApplyOutcome>("DeploymentApplyPreview").implement({
  description:
    "what applyDeployment would do with this input, worked out by the same code in a transaction that is rolled back",
  fields: (t) => ({
    created: t.exposeBoolean("created", { description: "the deployment does not exist yet: applying creates it" }),
    changedFields: t.exposeStringList("changedFields", { description: CHANGED_FIELDS }),
  }),
});

builder.queryFields((t) => ({
  deploymentApplyPreview: t.field({
    // it runs the apply's writes (rolled back): the same scope as applying
    authScopes: { write: true },
    type: DeploymentApplyPreview,
    description: "what applyDeployment(input) would change, with the same checks and errors; writes nothing",
    args: { input: t.arg({ type: DeploymentInput, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.deployments.apply(args.input, { dryRun: true }),
  }),
  deployments: t.prismaConnection(
    {
      authScopes: { read: true },
      type: "Deployment",
      cursor: "id",
      args: { filter: t.arg({ type: DeploymentFilter }) },
      totalCount: (_parent, args, ctx) => ctx.db.deployment.count({ where: deploymentWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.deployment.findMany({
          ...query,
          where: deploymentWhere(args.filter),
          orderBy: [{ name: "asc" }, { id: "asc" }],
        }),
    },
    DeploymentConnection,
  ),
  deployment: t.prismaField({
    authScopes: { read: true },
    type: "Deployment",
    nullable: true,
    description: "by id, or by slug flowName/deploymentName",
    args: { id: t.arg.id(), slug: t.arg.string() },
    resolve: (query, _root, args, ctx) => {
      if (args.id) return ctx.db.deployment.findUnique({ ...query, where: { id: args.id } });
      const slug = args.slug ? parseDeploymentSlug(args.slug) : null;
      // nothing to look up; reading the planned query tells Pothos it was not forgotten (outside
      // production an unread one fails the field, e.g. `deployment(slug: "x") { schedules { id } }`)
      if (!slug) return Object.values(query) && null;
      const { flowName, name } = slug;
      if (servedBySlugRead(query)) return ctx.services.deployments.findBySlugWithSchedules(flowName, name);
      return ctx.db.deployment.findFirst({ ...query, where: { name, flow: { name: flowName } } });
    },
  }),
}));

builder.mutationFields((t) => ({
  applyDeployment: t.field({
    authScopes: { write: true },
    type: ApplyDeploymentPayload,
    description: "upsert by (flowName, name); creates the flow and named work pool/queue if missing",
    args: { input: t.arg({ type: DeploymentInput, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.deployments.apply(args.input),
  }),
  deleteDeployment: t.boolean({
    authScopes: { write: true },
    description: "false when there was no such deployment; its scheduled runs are deleted, other runs stay",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.deployments.delete(args.id),
  }),
  pauseDeployment: t.prismaField({
    authScopes: { write: true },
    type: "Deployment",
    description: "pausing deletes its future auto-scheduled runs that never ran",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.deployments.setPaused(args.id, true);
      return ctx.db.deployment.findUniqueOrThrow({ ...query, where: { id: args.id } });
    },
  }),
  resumeDeployment: t.prismaField({
    authScopes: { write: true },
    type: "Deployment",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.deployments.setPaused(args.id, false);
      return ctx.db.deployment.findUniqueOrThrow({ ...query, where: { id: args.id } });
    },
  }),
}));
