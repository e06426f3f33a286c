// Creating runs and proposing their states; the OrchestrationResult type.
import type { TransitionResult } from "../../domain/flow-runs/flow-run-input.js";
import { builder } from "../builder.js";
import { LIMIT_TEXT as L } from "../limit-descriptions.js";
import { LIMITS } from "../../domain/limits.js";
import { OrchestrationStatusEnum } from "./enums.js";
import { StateInput } from "./state.js";

const CreateFlowRunInput = builder.inputType("CreateFlowRunInput", {
  fields: (t) => ({
    deploymentId: t.id({ description: "one of deploymentId / deploymentSlug" }),
    deploymentSlug: t.string({ description: "flowName/deploymentName" }),
    name: t.string({ description: `default: a random two-word name; at most ${LIMITS.nameLength} characters` }),
    parameters: t.field({ type: "JSON", description: `shallow-merged over the deployment's parameters; ${L.json}` }),
    tags: t.stringList({ description: `added to the deployment's tags; ${L.tags}, counting the deployment's` }),
    idempotencyKey: t.string({ description: `a second create with the same key returns the first run; ${L.shortText}` }),
    scheduledStartTime: t.field({ type: "DateTime", description: "defaults to now" }),
    workQueueName: t.string({ description: `a queue of the deployment's work pool (created if missing); ${L.name}` }),
    jobVariables: t.field({
      type: "JSON",
      description: `layered over the pool's defaults and the deployment's ("a.b" keys expand to nested objects), then validated against the pool's variables schema; ${L.json}`,
    }),
    retries: t.int({ description: "a FAILED run is retried this many times" }),
    retryDelaySeconds: t.float({ description: "wait before each retry" }),
    state: t.field({
      type: StateInput,
      description: "the first state: SCHEDULED (default) or PENDING, for a run its creator executes at once without a worker",
    }),
  }),
});

const SetFlowRunStateInput = builder.inputType("SetFlowRunStateInput", {
  fields: (t) => ({
    flowRunId: t.id({ required: true }),
    state: t.field({ type: StateInput, required: true }),
    force: t.boolean({ description: "skip the orchestration rules (not the bookkeeping)" }),
  }),
});

const OrchestrationResult = builder.objectRef<TransitionResult>("OrchestrationResult").implement({
  fields: (t) => ({
    status: t.field({ type: OrchestrationStatusEnum, resolve: (r) => r.status }),
    state: t.prismaField({
      type: "FlowRunState",
      nullable: true,
      description: "the run's state after the call (the new state on ACCEPT, the current or substituted one otherwise)",
      resolve: (query, r, _args, ctx) => (r.stateId ? ctx.db.flowRunState.findUnique({ ...query, where: { id: r.stateId } }) : null),
    }),
    flowRun: t.prismaField({
      type: "FlowRun",
      resolve: (query, r, _args, ctx) => ctx.db.flowRun.findUniqueOrThrow({ ...query, where: { id: r.run.id } }),
    }),
    reason: t.exposeString("reason", { nullable: true }),
    delaySeconds: t.exposeInt("delaySeconds", { nullable: true, description: "set on WAIT" }),
  }),
});

builder.mutationFields((t) => ({
  createFlowRun: t.prismaField({
    authScopes: { run: true },
    type: "FlowRun",
    description: "a run from a deployment: parameters merged over the deployment's, validated when enforced, tags unioned",
    args: { input: t.arg({ type: CreateFlowRunInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.services.flowRuns.createFromDeployment(args.input);
      return ctx.db.flowRun.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  setFlowRunInfrastructure: t.prismaField({
    authScopes: { worker: true },
    type: "FlowRun",
    description: "what runs the flow run (a pid, a container or job id): cancellation kills it",
    args: { flowRunId: t.arg.id({ required: true }), infrastructurePid: t.arg.string({ required: true, description: L.shortText }) },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.flowRuns.setInfrastructure(args.flowRunId, args.infrastructurePid);
      return ctx.db.flowRun.findUniqueOrThrow({ ...query, where: { id: args.flowRunId } });
    },
  }),
  flowRunHeartbeat: t.prismaField({
    authScopes: { worker: true },
    type: "FlowRun",
    description:
      "the worker or executor running it is alive: renews the run's lease while PENDING, RUNNING or CANCELLING (a run silent past the lease becomes CRASHED); read stateType to learn of a cancellation",
    args: { flowRunId: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.flowRuns.heartbeat(args.flowRunId);
      return ctx.db.flowRun.findUniqueOrThrow({ ...query, where: { id: args.flowRunId } });
    },
  }),
  setFlowRunState: t.field({
    // cancelling is what `run` keys may do to runs; forcing past the rules is an admin's repair tool
    authScopes: (_root, args) => (args.input.force ? { admin: true } : args.input.state.type === "CANCELLING" ? { run: true } : { worker: true }),
    type: OrchestrationResult,
    args: { input: t.arg({ type: SetFlowRunStateInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const d = input.state.details;
      // GraphQL gives null for fields sent as null; the domain's details have only what was set
      const details = d
        ? Object.fromEntries(Object.entries({ ...d, pauseTimeout: d.pauseTimeout?.toISOString() }).filter(([, v]) => v != null))
        : {};
      return ctx.services.flowRuns.setState({ ...input, state: { ...input.state, details } });
    },
  }),
}));
