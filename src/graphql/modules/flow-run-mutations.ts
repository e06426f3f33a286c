// Creating runs and proposing their states; the OrchestrationResult type.
import { MAX_STATE_PROPOSALS, type ProposalOutcome } from "../../domain/flow-runs/flow-run-input.js";
import type { TransitionResult } from "../../orchestration/orchestrator.js";
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
    idempotencyKey: t.string({
      description: `a second create with the same key returns the first run; ${L.shortText}`,
    }),
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
      description:
        "the first state: SCHEDULED (default) or PENDING, for a run its creator executes at once without a worker",
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

const SetFlowRunStatesInput = builder.inputType("SetFlowRunStatesInput", {
  fields: (t) => ({
    proposals: t.field({
      type: [SetFlowRunStateInput],
      required: true,
      description: `at most ${MAX_STATE_PROPOSALS}, each for a different run`,
    }),
  }),
});

interface ProposalErrorShape {
  code: string;
  message: string;
  field: string | null;
}

// a plain object: graphql-js would treat an Error returned by a resolver as the field's own error
const ProposalError = builder.objectRef<ProposalErrorShape>("FlowRunStateProposalError").implement({
  description:
    "why one proposal of a batch was refused before orchestration: the error setFlowRunState would have raised",
  fields: (t) => ({
    code: t.exposeString("code", { description: "an API error code (BAD_USER_INPUT, NOT_FOUND, …)" }),
    message: t.exposeString("message"),
    field: t.exposeString("field", {
      nullable: true,
      description: "the offending input field, e.g. input.proposals[2].flowRunId",
    }),
  }),
});

const OrchestrationResult = builder.objectRef<TransitionResult>("OrchestrationResult").implement({
  fields: (t) => ({
    status: t.field({ type: OrchestrationStatusEnum, resolve: (r) => r.status }),
    state: t.prismaField({
      type: "FlowRunState",
      nullable: true,
      description: "the run's state after the call (the new state on ACCEPT, the current or substituted one otherwise)",
      resolve: (query, r, _args, ctx) =>
        r.stateId ? ctx.db.flowRunState.findUnique({ ...query, where: { id: r.stateId } }) : null,
    }),
    flowRun: t.prismaField({
      type: "FlowRun",
      resolve: (query, r, _args, ctx) => ctx.db.flowRun.findUniqueOrThrow({ ...query, where: { id: r.run.id } }),
    }),
    reason: t.exposeString("reason", { nullable: true }),
    delaySeconds: t.exposeInt("delaySeconds", { nullable: true, description: "set on WAIT" }),
  }),
});

const ProposalOutcomeRef = builder
  .objectRef<ProposalOutcome & { flowRunId: string }>("FlowRunStateProposalOutcome")
  .implement({
    description: "one proposal's answer in setFlowRunStates: exactly one of result and error is set",
    fields: (t) => ({
      flowRunId: t.exposeID("flowRunId"),
      result: t.field({ type: OrchestrationResult, nullable: true, resolve: (o) => o.result ?? null }),
      error: t.field({
        type: ProposalError,
        nullable: true,
        resolve: ({ error: e }) => (e ? { code: e.code, message: e.message, field: e.field ?? null } : null),
      }),
    }),
  });

builder.mutationFields((t) => ({
  createFlowRun: t.prismaField({
    authScopes: { run: true },
    type: "FlowRun",
    description:
      "a run from a deployment: parameters merged over the deployment's, validated when enforced, tags unioned",
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
    args: {
      flowRunId: t.arg.id({ required: true }),
      infrastructurePid: t.arg.string({ required: true, description: L.shortText }),
    },
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
    authScopes: (_root, args) =>
      args.input.force ? { admin: true } : args.input.state.type === "CANCELLING" ? { run: true } : { worker: true },
    type: OrchestrationResult,
    args: { input: t.arg({ type: SetFlowRunStateInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.flowRuns.setState(toDomainProposal(input)),
  }),
  setFlowRunStates: t.field({
    // what each proposal would need on its own, all of them together
    authScopes: (_root, args) => batchScopes(args.input.proposals),
    type: [ProposalOutcomeRef],
    description: `up to ${MAX_STATE_PROPOSALS} proposals, one per run, in one request and one transaction: each is checked and orchestrated on its own, exactly as setFlowRunState would be, and answered in order, with its result or its own error (a bad or missing run fails only its own entry)`,
    args: { input: t.arg({ type: SetFlowRunStatesInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.flowRuns
        .setStates(input.proposals.map(toDomainProposal))
        .then((outcomes) => outcomes.map((o, i) => ({ ...o, flowRunId: input.proposals[i]!.flowRunId }))),
  }),
}));

type ProposalArgs = typeof SetFlowRunStateInput.$inferInput;

/** GraphQL gives null for fields sent as null; the domain's details have only what was set. */
function toDomainProposal(input: ProposalArgs) {
  const d = input.state.details;
  const details = d
    ? Object.fromEntries(
        Object.entries({ ...d, pauseTimeout: d.pauseTimeout?.toISOString() }).filter(([, v]) => v != null),
      )
    : {};
  return { ...input, state: { ...input.state, details } };
}

/** The scopes setFlowRunState would need for each proposal: admin if any is forced, else run for cancelling and worker for the rest. */
function batchScopes(proposals: readonly ProposalArgs[]) {
  if (proposals.some((p) => p.force)) return { admin: true };
  const cancelling = proposals.some((p) => p.state.type === "CANCELLING");
  const other = proposals.some((p) => p.state.type !== "CANCELLING");
  if (cancelling && other) return { $all: { run: true, worker: true } };
  return cancelling ? { run: true } : { worker: true };
}
