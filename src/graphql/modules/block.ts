// Blocks as deployments reference them: BlockType, BlockSchema and BlockDocument (secrets masked).
import { maskSecrets } from "../../domain/blocks/secret-fields.js";
import { builder } from "../builder.js";
import { stringList } from "./json-fields.js";

builder.prismaObject("BlockType", {
  fields: (t) => ({
    id: t.exposeID("id"),
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    documentationUrl: t.exposeString("documentationUrl", { nullable: true }),
    logoUrl: t.exposeString("logoUrl", { nullable: true }),
    isProtected: t.exposeBoolean("isProtected"),
    plugin: t.exposeString("plugin", { description: "which plugin package registered it" }),
    latestSchema: t.field({
      type: BlockSchema,
      select: (_args, _ctx, nested) => ({ schemas: nested({ orderBy: { created: "desc" as const }, take: 1 }) }),
      resolve: (bt) => bt.schemas[0]!,
    }),
  }),
});

export const BlockSchema = builder.prismaObject("BlockSchema", {
  fields: (t) => ({
    id: t.exposeID("id"),
    checksum: t.exposeString("checksum"),
    fields: t.expose("fields", { type: "JSON", description: "the JSON Schema the document data is validated against" }),
    capabilities: t.stringList({ resolve: (s) => stringList(s.capabilities) }),
    secretFields: t.stringList({ resolve: (s) => stringList(s.secretFields) }),
    version: t.exposeString("version"),
  }),
});

builder.prismaObject("BlockDocument", {
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    slug: t.string({
      description: "blockTypeSlug/name",
      select: { name: true, blockType: { select: { slug: true } } },
      resolve: (d) => `${d.blockType.slug}/${d.name}`,
    }),
    isAnonymous: t.exposeBoolean("isAnonymous"),
    blockType: t.relation("blockType"),
    blockSchema: t.relation("blockSchema"),
    data: t.field({
      type: "JSON",
      description: 'secret fields are "********" unless the query asked includeSecrets and the caller may see them',
      select: { data: true, blockSchema: { select: { secretFields: true } } },
      resolve: (d) => maskSecrets(d.data, stringList(d.blockSchema.secretFields)),
    }),
    created: t.expose("created", { type: "DateTime" }),
    updated: t.expose("updated", { type: "DateTime" }),
  }),
});
