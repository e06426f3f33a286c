// The schema build refuses an operation that declares no scope, and Ordo's own schema passes.
import SchemaBuilder from "@pothos/core";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { describe, expect, it } from "vitest";
import { assertEveryOperationDeclaresScopes } from "./declared-scopes.js";

function tinySchema(declare: boolean) {
  // cast: the prisma plugin's global option types ask for `prisma`, which this builder does not load
  const options = { plugins: [ScopeAuthPlugin], scopeAuth: { authScopes: () => ({ read: true }) } } as never;
  const b = new SchemaBuilder<{ AuthScopes: { read: boolean } }>(options);
  b.queryType({
    fields: (t) => ({
      declared: t.string({ authScopes: { read: true }, resolve: () => "x" }),
      ...(declare ? {} : { forgotten: t.string({ resolve: () => "y" }) }),
    }),
  });
  b.mutationType({ fields: (t) => ({ change: t.boolean({ authScopes: { read: true }, resolve: () => true }) }) });
  return b.toSchema();
}

describe("declared scopes", () => {
  it("fails the build naming each operation without authScopes", () => {
    expect(() => assertEveryOperationDeclaresScopes(tinySchema(false))).toThrow(
      /declare no authScopes.*Query\.forgotten/,
    );
    expect(() => assertEveryOperationDeclaresScopes(tinySchema(true))).not.toThrow();
  });

  it("Ordo's schema declares a scope on every operation", async () => {
    // importing the schema runs the check; it would throw here
    const { schema } = await import("./schema.js");
    expect(Object.keys(schema.getMutationType()!.getFields())).toContain("createApiKey");
  });
});
