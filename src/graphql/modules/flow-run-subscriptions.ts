// Live run states: `flowRunStateChanged`, over graphql-ws or SSE. Events carry ids; each field
// re-reads its row with the client's selection, once per event for all subscribers asking the same
// (and, for a burst of events, once per chunk of the burst).
import { filter, pipe } from "graphql-yoga";
import type { FlowRunStateChangedEvent } from "../../events/topics.js";
import type { StateType } from "../../orchestration/states.js";
import { builder } from "../builder.js";
import { readInBurst } from "../event-reads.js";
import { StateTypeEnum } from "./enums.js";

const FlowRunStateEvent = builder.objectRef<FlowRunStateChangedEvent>("FlowRunStateEvent").implement({
  fields: (t) => ({
    flowRun: t.prismaField({
      type: "FlowRun",
      resolve: (query, e, _args, ctx) =>
        readInBurst(
          e,
          ctx.db,
          "flowRun",
          query,
          (event) => event.flowRunId,
          (ids) => ctx.db.flowRun.findMany({ ...query, where: { id: { in: ids } } }),
          () => ctx.db.flowRun.findUniqueOrThrow({ ...query, where: { id: e.flowRunId } }),
        ),
    }),
    state: t.prismaField({
      type: "FlowRunState",
      resolve: (query, e, _args, ctx) =>
        readInBurst(
          e,
          ctx.db,
          "state",
          query,
          (event) => event.stateId,
          (ids) => ctx.db.flowRunState.findMany({ ...query, where: { id: { in: ids } } }),
          () => ctx.db.flowRunState.findUniqueOrThrow({ ...query, where: { id: e.stateId } }),
        ),
    }),
    previousStateType: t.field({ type: StateTypeEnum, nullable: true, resolve: (e) => e.previousStateType }),
  }),
});

builder.subscriptionFields((t) => ({
  flowRunStateChanged: t.field({
    authScopes: { read: true },
    type: FlowRunStateEvent,
    description: "every accepted state change of runs matching the filter (all runs when no argument)",
    args: {
      flowRunId: t.arg.id(),
      deploymentId: t.arg.id(),
      flowId: t.arg.id(),
      workPoolName: t.arg.string(),
      stateTypes: t.arg({ type: [StateTypeEnum] }),
    },
    subscribe: (_root, args, ctx) =>
      pipe(
        ctx.events.subscribe("flow-run.state-changed"),
        filter(
          (e: FlowRunStateChangedEvent) =>
            (!args.flowRunId || e.flowRunId === args.flowRunId) &&
            (!args.deploymentId || e.deploymentId === args.deploymentId) &&
            (!args.flowId || e.flowId === args.flowId) &&
            (!args.workPoolName || e.workPoolName === args.workPoolName) &&
            (!args.stateTypes?.length || args.stateTypes.includes(e.stateType as StateType)),
        ),
      ),
    resolve: (e) => e,
  }),
}));
