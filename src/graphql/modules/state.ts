// The State type (one row of a run's state history) and the StateInput of proposals.
import { builder } from "../builder.js";
import { LIMIT_TEXT as L } from "../limit-descriptions.js";
import { StateTypeEnum } from "./enums.js";

builder.prismaObject("FlowRunState", {
  name: "State",
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.field({ type: StateTypeEnum, resolve: (s) => s.type as typeof StateTypeEnum.$inferType }),
    name: t.exposeString("name"),
    timestamp: t.expose("timestamp", { type: "DateTime" }),
    message: t.exposeString("message", { nullable: true }),
    scheduledTime: t.expose("scheduledTime", { type: "DateTime", nullable: true }),
    data: t.expose("data", { type: "JSON", nullable: true }),
    details: t.expose("details", {
      type: "JSON",
      description: "transitionId, pauseKey, pauseTimeout, pauseReschedule when set",
    }),
  }),
});

const StateDetailsInput = builder.inputType("StateDetailsInput", {
  fields: (t) => ({
    transitionId: t.string({
      description: "a proposal repeated with the same id is answered with the current state instead of applied twice",
    }),
    pauseKey: t.string({ description: "a pause with a key already used by this run is rejected" }),
    pauseTimeout: t.field({ type: "DateTime", description: "resuming after this time fails the run" }),
    pauseReschedule: t.boolean({ description: "suspend: give up the infrastructure while paused" }),
  }),
});

export const StateInput = builder.inputType("StateInput", {
  fields: (t) => ({
    type: t.field({ type: StateTypeEnum, required: true }),
    name: t.string({
      description: `defaults to the type's name (Scheduled, Running, …); e.g. Late, AwaitingRetry; ${L.stateName}`,
    }),
    message: t.string({ description: L.stateMessage }),
    scheduledTime: t.field({ type: "DateTime", description: "SCHEDULED (default now) and PAUSED only" }),
    data: t.field({ type: "JSON", description: L.json }),
    details: t.field({ type: StateDetailsInput }),
  }),
});
