// API keys (admin only): create (the key is returned once), list, revoke; and `viewer`, which tells
// any caller who it is and what its key may do (UIs hide what the scopes do not allow).
import { SCOPES, SCOPE_DESCRIPTIONS, type Scope } from "../../auth/scopes.js";
import { builder } from "../builder.js";

export const ApiKeyScopeEnum = builder.enumType("ApiKeyScope", {
  values: Object.fromEntries(
    SCOPES.map((s) => [s.toUpperCase(), { value: s, description: SCOPE_DESCRIPTIONS[s] }]),
  ) as Record<Uppercase<Scope>, { value: Scope; description: string }>,
});

const scopeList = (value: unknown): Scope[] => (Array.isArray(value) ? (value as Scope[]) : []);

builder.prismaObject("ApiKey", {
  description: "an API key; the key itself is shown only once, by createApiKey",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", { description: "the key's first characters, to tell keys apart" }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (k) => scopeList(k.scopes) }),
    created: t.expose("created", { type: "DateTime" }),
    lastUsed: t.expose("lastUsed", { type: "DateTime", nullable: true, description: "to the minute" }),
    expires: t.expose("expires", { type: "DateTime", nullable: true }),
    revoked: t.expose("revoked", { type: "DateTime", nullable: true }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: string; id: string }>("CreatedApiKey").implement({
  fields: (t) => ({
    key: t.exposeString("key", { description: "the key, shown only this once: store it now (ORDO_API_KEY)" }),
    id: t.exposeID("id"),
  }),
});

const Viewer = builder.objectRef<{ name: string; scopes: Scope[]; authEnabled: boolean }>("Viewer").implement({
  description: "the caller: its key's name and scopes",
  fields: (t) => ({
    name: t.exposeString("name"),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (v) => v.scopes }),
    authEnabled: t.exposeBoolean("authEnabled", { description: "false when the server runs with ORDO_AUTH=off" }),
  }),
});

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "1-100 letters, digits, '.', '_', '@', '-'; unique" }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
    expiresAt: t.field({ type: "DateTime", description: "no expiry when absent" }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    authScopes: { read: true },
    type: Viewer,
    resolve: (_root, _args, ctx) => ({
      name: ctx.principal.name,
      scopes: [...ctx.principal.scopes],
      authEnabled: ctx.principal.keyId !== null,
    }),
  }),
  apiKeys: t.prismaField({
    authScopes: { admin: true },
    type: ["ApiKey"],
    description: "every key, revoked and expired ones included, oldest first",
    resolve: (query, _root, _args, ctx) => ctx.db.apiKey.findMany({ ...query, orderBy: { created: "asc" } }),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    authScopes: { admin: true },
    type: CreatedApiKey,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { key, record } = await ctx.apiKeys.create({
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt ?? null,
      });
      return { key, id: record.id };
    },
  }),
  revokeApiKey: t.prismaField({
    authScopes: { admin: true },
    type: "ApiKey",
    description: "by id or name; refused from the next request on, and the key's open subscriptions end",
    args: { id: t.arg.string({ required: true, description: "the key's id or name" }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await ctx.apiKeys.revoke(args.id);
      return ctx.db.apiKey.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
