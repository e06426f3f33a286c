// The secret paths a block schema declares itself (writeOnly / format "password"): nested objects,
// maps, arrays, combinators, local $refs — and what a path cannot name.
import { describe, expect, it } from "vitest";
import { isSecretSchema, schemaSecretPaths, UnnamableSecretError } from "./schema-walk.js";
import { encryptSecretFields, generateEncryptionKey, maskSecretFields } from "./secrets.js";

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  ...extra,
});
const secret = { type: "string", writeOnly: true };
const password = { type: "string", format: "password" };

describe("schemaSecretPaths", () => {
  it("takes both keywords, alone or together (Pydantic's SecretStr renders both)", () => {
    const schema = obj({
      a: secret,
      b: password,
      c: { type: "string", format: "password", writeOnly: true },
      d: { type: "string" },
    });
    expect(schemaSecretPaths(schema)).toEqual(["a", "b", "c"]);
    expect(isSecretSchema({ writeOnly: false })).toBe(false);
    expect(isSecretSchema({ format: "email" })).toBe(false);
  });

  it("names nested properties with dot paths, in declaration order", () => {
    const schema = obj({
      creds: obj({ user: { type: "string" }, key: secret, deeper: obj({ token: password }) }),
      name: { type: "string" },
      z: secret,
    });
    expect(schemaSecretPaths(schema)).toEqual(["creds.key", "creds.deeper.token", "z"]);
  });

  it("a secret object is secret whole: nothing under it is named again", () => {
    expect(schemaSecretPaths(obj({ creds: { ...obj({ key: secret }), writeOnly: true } }))).toEqual(["creds"]);
  });

  it("names the values of maps (additionalProperties, patternProperties, unevaluatedProperties) with *", () => {
    const schema = obj({
      headers: { type: "object", additionalProperties: secret },
      byPattern: { type: "object", patternProperties: { "^x-": password } },
      rest: { type: "object", unevaluatedProperties: secret },
      nested: { type: "object", additionalProperties: obj({ token: secret }) },
    });
    expect(schemaSecretPaths(schema)).toEqual(["headers.*", "byPattern.*", "rest.*", "nested.*.token"]);
  });

  it("names array elements with * (items) and their index (prefixItems)", () => {
    const schema = obj({
      keys: { type: "array", items: secret },
      pairs: { type: "array", items: obj({ id: { type: "string" }, secret }) },
      tuple: { type: "array", prefixItems: [{ type: "string" }, password] },
    });
    expect(schemaSecretPaths(schema)).toEqual(["keys.*", "pairs.*.secret", "tuple.1"]);
  });

  it("follows local $refs ($defs, and Pydantic v1's definitions) and combinators, once per path", () => {
    const schema = {
      type: "object",
      properties: {
        creds: { $ref: "#/$defs/Creds" },
        backup: { $ref: "#/$defs/Creds", description: "keywords beside $ref apply too" },
        optional: { anyOf: [password, { type: "null" }] },
        v1: { allOf: [{ $ref: "#/definitions/Old" }] },
        either: { oneOf: [obj({ token: secret }), obj({ token: secret, extra: password })] },
        cond: { if: { type: "object" }, then: obj({ a: secret }), else: obj({ b: secret }) },
        external: { $ref: "https://example.com/schema.json" },
      },
      $defs: { Creds: obj({ key: secret }), Unused: obj({ never: secret }) },
      definitions: { Old: obj({ pw: password }) },
    };
    expect(schemaSecretPaths(schema)).toEqual([
      "creds.key",
      "backup.key",
      "optional",
      "v1.pw",
      "either.token",
      "either.extra",
      "cond.a",
      "cond.b",
    ]);
  });

  it("walks a recursive $ref without secrets, and refuses secrets inside one (no path can name them all)", () => {
    const tree = (leaf: unknown) => ({
      type: "object",
      properties: { root: { $ref: "#/$defs/Node" } },
      $defs: { Node: obj({ leaf, children: { type: "array", items: { $ref: "#/$defs/Node" } } }) },
    });
    expect(schemaSecretPaths(tree({ type: "string" }))).toEqual([]);
    expect(() => schemaSecretPaths(tree(secret))).toThrow(
      new UnnamableSecretError(
        "/properties/root",
        "reaches secret fields through the recursive reference #/$defs/Node, which no path can name; list them in secretFields instead",
      ),
    );
  });

  it("refuses a whole configuration marked secret, and keys a path cannot name", () => {
    expect(() => schemaSecretPaths({ type: "object", writeOnly: true })).toThrow(UnnamableSecretError);
    expect(() => schemaSecretPaths(obj({ "a.b": secret }))).toThrow(
      /\/properties\/a\.b is secret, but a secret field's path cannot name the key "a\.b"/,
    );
    expect(() => schemaSecretPaths(obj({ "*": obj({ k: secret }) }))).toThrow(
      /\/properties\/\*\/properties\/k .*the key "\*"/,
    );
    // a key with "." is fine as long as nothing under it is secret
    expect(schemaSecretPaths(obj({ "a.b": { type: "string" }, c: secret }))).toEqual(["c"]);
  });

  it("derived paths drive encryption and masking exactly as listed ones do", () => {
    const schema = obj({
      user: { type: "string" },
      creds: obj({ key: secret }),
      headers: { type: "object", additionalProperties: password },
    });
    const paths = schemaSecretPaths(schema);
    const data = { user: "u", creds: { key: "k-1" }, headers: { a: "h-1", b: "h-2" } };
    expect(maskSecretFields(data, paths)).toEqual({
      user: "u",
      creds: { key: "********" },
      headers: { a: "********", b: "********" },
    });
    const stored = JSON.stringify(encryptSecretFields(data, paths, generateEncryptionKey()));
    expect(stored).not.toMatch(/k-1|h-1|h-2/);
    expect(stored).toContain('"user":"u"');
  });
});
