// Blocks: types registered by plugins, their schemas, and block documents (secrets masked unless
// the query asks includeSecrets), with their queries and mutations.
import { parsePlainBlockSlug } from "../../domain/blocks/block-slug.js";
import { ForbiddenError } from "../../domain/errors.js";
import { LIMITS } from "../../domain/limits.js";
import { builder } from "../builder.js";
import { LIMIT_TEXT as L } from "../limit-descriptions.js";
import { stringList } from "./json-fields.js";

/**
 * The document objects a `blockDocument(includeSecrets: true)` field returned. Marking the object
 * (not its id in the request context) keeps the reveal to that field: another field of the same
 * request reading the same document (an alias, a listing, a deployment's storageDocument) stays
 * masked. A document loaded any other way is a different object, so it is masked too.
 */
const revealed = new WeakSet<object>();

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

export const BlockDocument = builder.prismaObject("BlockDocument", {
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
      select: { id: true, data: true, blockSchema: { select: { secretFields: true } } },
      resolve: (d, _args, ctx) => ctx.services.blocks.present(d.data, d.blockSchema.secretFields, revealed.has(d)),
    }),
    created: t.expose("created", { type: "DateTime" }),
    updated: t.expose("updated", { type: "DateTime" }),
  }),
});

const BlockDocumentConnection = builder.connectionObject({ type: BlockDocument, name: "BlockDocumentConnection" });

const CreateBlockDocumentInput = builder.inputType("CreateBlockDocumentInput", {
  fields: (t) => ({
    blockTypeSlug: t.string({ required: true }),
    name: t.string({
      description: `lowercase letters, digits and -; required unless isAnonymous; at most ${LIMITS.nameLength} characters`,
    }),
    data: t.field({
      type: "JSON",
      required: true,
      description: `validated against the block type's schema; ${L.json}`,
    }),
    isAnonymous: t.boolean({ description: "auto-named, hidden from listings by default: inline configuration" }),
  }),
});

builder.queryFields((t) => ({
  blockTypes: t.prismaField({
    authScopes: { read: true },
    type: ["BlockType"],
    description:
      "block types of the loaded plugins, optionally only those with a capability (read-path, put-directory, run-infrastructure, …)",
    args: { capability: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      ctx.db.blockType.findMany({
        ...query,
        where: { slug: { in: ctx.services.blocks.slugs(args.capability) } },
        orderBy: { slug: "asc" },
      }),
  }),
  blockType: t.prismaField({
    authScopes: { read: true },
    type: "BlockType",
    nullable: true,
    args: { slug: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.blockType.findUnique({ ...query, where: { slug: args.slug } }),
  }),
  blockDocuments: t.prismaConnection(
    {
      authScopes: { read: true },
      type: "BlockDocument",
      cursor: "id",
      args: { blockTypeSlug: t.arg.string(), includeAnonymous: t.arg.boolean({ description: "default false" }) },
      totalCount: (_parent, args, ctx) => ctx.db.blockDocument.count({ where: blockDocumentWhere(args) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.blockDocument.findMany({
          ...query,
          where: blockDocumentWhere(args),
          orderBy: [{ name: "asc" }, { id: "asc" }],
        }),
    },
    BlockDocumentConnection,
  ),
  blockDocument: t.prismaField({
    authScopes: { read: true },
    type: "BlockDocument",
    nullable: true,
    description: "by id, or by slug blockTypeSlug/name",
    args: {
      id: t.arg.id(),
      slug: t.arg.string(),
      includeSecrets: t.arg.boolean({ description: "show secret fields in clear" }),
    },
    resolve: async (query, _root, args, ctx) => {
      const slug = parsePlainBlockSlug(args.slug);
      // spread up front: a look-up that finds nothing to query must not trip Pothos' unused-query check
      const select = { ...query };
      const doc = args.id
        ? await ctx.db.blockDocument.findUnique({ ...select, where: { id: args.id } })
        : slug
          ? await ctx.db.blockDocument.findFirst({
              ...select,
              where: { name: slug.name, blockType: { slug: slug.type } },
            })
          : null;
      if (doc && args.includeSecrets) {
        if (!(await ctx.access.mayRevealSecrets(ctx.principal, { id: args.id ?? null, slug: args.slug ?? null }))) {
          throw new ForbiddenError(
            `includeSecrets needs the "admin" scope (or "worker" for a block a running flow run needs); the API key "${ctx.principal.name}" has: ${ctx.principal.scopes.join(", ")}`,
            "includeSecrets",
          );
        }
        revealed.add(doc);
      }
      return doc;
    },
  }),
}));

function blockDocumentWhere(args: { blockTypeSlug?: string | null; includeAnonymous?: boolean | null }) {
  return {
    ...(args.blockTypeSlug ? { blockType: { slug: args.blockTypeSlug } } : {}),
    ...(args.includeAnonymous ? {} : { isAnonymous: false }),
  };
}

builder.mutationFields((t) => ({
  createBlockDocument: t.prismaField({
    authScopes: { write: true },
    type: "BlockDocument",
    args: { input: t.arg({ type: CreateBlockDocumentInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.services.blocks.create(args.input);
      return ctx.db.blockDocument.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateBlockDocument: t.prismaField({
    authScopes: { write: true },
    type: "BlockDocument",
    description: "merge: shallow merge into existing data; masked secret values keep the stored secret",
    args: {
      id: t.arg.id({ required: true }),
      data: t.arg({ type: "JSON", required: true, description: L.json }),
      merge: t.arg.boolean(),
    },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.blocks.update(args.id, args.data, args.merge ?? false);
      return ctx.db.blockDocument.findUniqueOrThrow({ ...query, where: { id: args.id } });
    },
  }),
  deleteBlockDocument: t.boolean({
    authScopes: { write: true },
    description: "false when there was no such document; CONFLICT while a deployment uses it",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.blocks.delete(args.id),
  }),
}));
