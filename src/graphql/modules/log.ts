// Run logs: the Log type, reading a run's logs, shipping them, and following them live.
import { filter, pipe } from "graphql-yoga";
import type { LogCreatedEvent } from "../../events/topics.js";
import { builder } from "../builder.js";
import { readInBurst } from "../event-reads.js";
import { LIMIT_TEXT as L } from "../limit-descriptions.js";

export const Log = builder.prismaObject("Log", {
  fields: (t) => ({
    id: t.exposeID("id"),
    flowRunId: t.exposeID("flowRunId"),
    level: t.exposeInt("level", {
      description: "Python logging levels: 10 debug, 20 info, 30 warning, 40 error, 50 critical",
    }),
    name: t.exposeString("name"),
    message: t.exposeString("message"),
    timestamp: t.expose("timestamp", { type: "DateTime" }),
  }),
});

const LogConnection = builder.connectionObject({ type: Log, name: "LogConnection" });

const LogInput = builder.inputType("LogInput", {
  fields: (t) => ({
    flowRunId: t.id({ required: true }),
    level: t.int({ required: true }),
    name: t.string({ description: `the logger's name; ${L.shortText} (longer: truncated)` }),
    message: t.string({ required: true, description: L.logMessage }),
    timestamp: t.field({ type: "DateTime", description: "defaults to the time the server received it" }),
  }),
});

builder.queryFields((t) => ({
  logs: t.prismaConnection(
    {
      authScopes: { read: true },
      type: "Log",
      cursor: "id",
      description: "oldest first",
      args: { flowRunId: t.arg.id({ required: true }) },
      totalCount: (_parent, args, ctx) => ctx.db.log.count({ where: { flowRunId: args.flowRunId } }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.log.findMany({
          ...query,
          where: { flowRunId: args.flowRunId },
          orderBy: [{ timestamp: "asc" }, { id: "asc" }],
        }),
    },
    LogConnection,
  ),
}));

builder.mutationFields((t) => ({
  createLogs: t.int({
    authScopes: { worker: true },
    description: "stores a batch (at most 1,000) of log lines; returns how many",
    args: { logs: t.arg({ type: [LogInput], required: true }) },
    resolve: (_root, args, ctx) => ctx.services.logs.create(args.logs),
  }),
}));

builder.subscriptionFields((t) => ({
  flowRunLogs: t.prismaField({
    authScopes: { read: true },
    type: "Log",
    args: { flowRunId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) =>
      pipe(
        ctx.events.subscribe("log.created"),
        filter((e: LogCreatedEvent) => e.flowRunId === args.flowRunId),
      ),
    // one read per event (or per chunk of a batch of lines) and selection, shared by every follower asking the same
    resolve: (query, e, _args, ctx) => {
      const event = e as unknown as LogCreatedEvent;
      return readInBurst(
        event,
        ctx.db,
        "flowRunLogs",
        query,
        (l) => l.logId,
        (ids) => ctx.db.log.findMany({ ...query, where: { id: { in: ids } } }),
        () => ctx.db.log.findUniqueOrThrow({ ...query, where: { id: event.logId } }),
      );
    },
  }),
}));
