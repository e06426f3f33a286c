// Flows: the Flow type and its queries. Flows are created on first reference, never directly.
import { builder } from "../builder.js";
import { DeploymentConnection } from "./deployment.js";
import { stringList } from "./json-fields.js";

export const Flow = builder.prismaObject("Flow", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    tags: t.stringList({ resolve: (f) => stringList(f.tags) }),
    created: t.expose("created", { type: "DateTime" }),
    updated: t.expose("updated", { type: "DateTime" }),
    deployments: t.relatedConnection(
      "deployments",
      { cursor: "id", query: { orderBy: { name: "asc" } }, totalCount: true },
      DeploymentConnection,
    ),
  }),
});

export const FlowConnection = builder.connectionObject({ type: Flow, name: "FlowConnection" });

builder.queryFields((t) => ({
  flows: t.prismaConnection(
    {
      authScopes: { read: true },
      type: "Flow",
      cursor: "id",
      totalCount: (_parent, _args, ctx) => ctx.db.flow.count(),
      resolve: (query, _parent, _args, ctx) => ctx.db.flow.findMany({ ...query, orderBy: { name: "asc" } }),
    },
    FlowConnection,
  ),
  flow: t.prismaField({
    authScopes: { read: true },
    type: "Flow",
    nullable: true,
    description: "by id or by name (give one)",
    args: { id: t.arg.id(), name: t.arg.string() },
    resolve: (query, _root, args, ctx) => {
      if (args.id) return ctx.db.flow.findUnique({ ...query, where: { id: args.id } });
      if (args.name) return ctx.db.flow.findUnique({ ...query, where: { name: args.name } });
      return null;
    },
  }),
}));
