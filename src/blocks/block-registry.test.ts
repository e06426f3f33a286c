// The registry on definitions built in code: registration checks with their exact messages,
// look-ups, validation, checksums, and implementations built through tsyringe.
import "reflect-metadata";
import { createHash } from "node:crypto";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { schemaChecksum } from "./block-registry.js";
import { canonicalJson } from "./canonical-json.js";
import {
  InvalidBlockConfigError,
  MissingBlockDependencyError,
  RegistryFrozenError,
  UnknownBlockTypeError,
} from "./errors.js";
import { BLOCK_TYPE, LOGGER, definePlugin, type BlockLogger } from "./sdk.js";
import { Reader, messageOf, rawPlugin, reader, registered, runner, schema } from "./block-registry.fixtures.js";

describe("registration", () => {
  it("registers, looks up, lists and filters by capability", () => {
    const registry = registered(definePlugin({ name: "p", version: "3.1.0", blockTypes: [reader, runner] }));
    expect(registry.list().map((t) => t.slug)).toEqual(["reader", "runner"]);
    expect(registry.get("reader")).toMatchObject({
      plugin: "p",
      version: "3.1.0",
      name: "Reader",
      description: null,
      isProtected: false,
      secretFields: ["token"],
    });
    expect(registry.byCapability("read-path").map((t) => t.slug)).toEqual(["reader"]);
    expect(registry.byCapability("put-directory")).toEqual([]);
    expect(registry.has("runner")).toBe(true);
    expect(() => registry.get("nope")).toThrow(new UnknownBlockTypeError("nope"));
  });

  it("refuses everything once frozen", () => {
    const registry = registered();
    registry.freeze();
    expect(() => registry.register(definePlugin({ name: "p", blockTypes: [reader] }))).toThrow(RegistryFrozenError);
    expect(registry.list()).toEqual([]);
  });

  it("rejects duplicate slugs across and within plugins, adding nothing of the failing plugin", () => {
    const registry = registered(definePlugin({ name: "first", blockTypes: [reader] }));
    expect(messageOf(() => registry.register(definePlugin({ name: "second", blockTypes: [runner, reader] })))).toBe(
      'Plugin "second" block type "reader": slug is already declared by plugin "first"',
    );
    expect(registry.has("runner")).toBe(false);
    expect(messageOf(() => registered(definePlugin({ name: "twice", blockTypes: [runner, runner] })))).toBe(
      'Plugin "twice" block type "runner": slug is already declared by plugin "twice"',
    );
    expect(messageOf(() => registry.register(definePlugin({ name: "first", blockTypes: [runner] })))).toBe(
      'Plugin "first": name is already registered (from direct)',
    );
  });

  it("accepts only what definePlugin returned", () => {
    expect(messageOf(() => registered({ name: "hand-made", blockTypes: [] } as never))).toBe(
      'Plugin "hand-made": export must be the result of definePlugin() from ordo/blocks-sdk',
    );
  });

  it.each([
    [
      "a slug with spaces",
      { slug: "Bad Slug" },
      'Plugin "p" block type "Bad Slug": slug must match pattern "^[a-z0-9-]+$"',
    ],
    ["an empty slug", { slug: "" }, 'Plugin "p" block type "#0": slug must match pattern "^[a-z0-9-]+$"'],
    [
      "an unknown capability",
      { slug: "a", capabilities: ["fly"] },
      'Plugin "p" block type "a": capabilities/0 must be equal to one of the allowed values',
    ],
    [
      "a misspelt key",
      { slug: "a", secretField: ["x"] },
      'Plugin "p" block type "a": secretField must NOT have additional properties',
    ],
    [
      "a malformed secret path",
      { slug: "a", secretFields: ["a..b"] },
      'Plugin "p" block type "a": secretFields/0 must match pattern',
    ],
    [
      "a documentation URL that is not a URL",
      { slug: "a", documentationUrl: "not a url" },
      'Plugin "p" block type "a": documentationUrl must match format "uri"',
    ],
    [
      "a non-object top level",
      { slug: "a", schema: { type: "array" } },
      'Plugin "p" block type "a": schema /type must be "object" (a block configuration is a JSON object)',
    ],
    [
      "a required that is not an array",
      { slug: "a", schema: { type: "object", required: "x" } },
      'Plugin "p" block type "a": schema /required must be array',
    ],
    [
      "a required name missing from properties",
      {
        slug: "a",
        schema: { type: "object", properties: { o: { type: "object", properties: { name: {} }, required: ["nmae"] } } },
      },
      'Plugin "p" block type "a": schema /properties/o/required/0 names "nmae", which is not in properties',
    ],
    [
      "a draft-07 schema",
      { slug: "a", schema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object" } },
      'Plugin "p" block type "a": schema /$schema must be https://json-schema.org/draft/2020-12/schema',
    ],
    [
      "an unresolvable $ref",
      { slug: "a", schema: { type: "object", properties: { r: { $ref: "#/$defs/missing" } } } },
      'Plugin "p" block type "a": schema does not compile: can\'t resolve reference #/$defs/missing',
    ],
    [
      "a secret path to no property",
      { slug: "a", schema, secretFields: ["tokn"] },
      'Plugin "p" block type "a": secretFields/0 "tokn" names no property of the schema',
    ],
    [
      "a secret path into a string",
      { slug: "a", schema, secretFields: ["root.inner"] },
      'Plugin "p" block type "a": secretFields/0 "root.inner" names no property of the schema',
    ],
    [
      "an implementation that is not a class",
      { slug: "a", implementation: () => undefined },
      'Plugin "p" block type "a": implementation must be a class',
    ],
    [
      "a missing capability method",
      { slug: "a", capabilities: ["read-path", "put-directory"], implementation: Reader },
      'Plugin "p" block type "a": implementation Reader has no method putDirectory() for capability "put-directory"',
    ],
    [
      "a half-implemented capability",
      {
        slug: "a",
        capabilities: ["run-infrastructure"],
        implementation: class Half {
          run() {}
        },
      },
      'Plugin "p" block type "a": implementation Half has no method kill() for capability "run-infrastructure"',
    ],
    [
      "an injection token that is not one",
      { slug: "a", inject: { logger: 42 } },
      'Plugin "p" block type "a": inject/logger must be an injection token (a symbol, string or class',
    ],
    [
      "a missing injection token (a misspelt import)",
      { slug: "a", inject: { logger: undefined } },
      'Plugin "p" block type "a": inject/logger must be an injection token',
    ],
    [
      "the list form of inject",
      { slug: "a", inject: [Symbol.for("ordo.blocks.Logger")] },
      'Plugin "p" block type "a": inject must name each dependency, e.g. { logger: LOGGER }',
    ],
    [
      "a secret marked on the whole configuration",
      { slug: "a", schema: { type: "object", writeOnly: true } },
      'Plugin "p" block type "a": schema / marks the whole configuration secret: mark its fields instead',
    ],
    [
      "a secret whose key a path cannot name",
      { slug: "a", schema: { type: "object", properties: { "a.b": { type: "string", format: "password" } } } },
      'Plugin "p" block type "a": schema /properties/a.b is secret, but a secret field\'s path cannot name the key "a.b"',
    ],
  ])("rejects %s", (_label, blockType, message) => {
    expect(messageOf(() => registered(rawPlugin("p", blockType)))).toContain(message);
  });

  it("accepts secret paths through wildcards, additionalProperties, items and local $refs", () => {
    const deep = {
      type: "object",
      properties: {
        headers: { type: "object", additionalProperties: { type: "string" } },
        creds: { $ref: "#/$defs/creds" },
        keys: { type: "array", items: { type: "object", properties: { secret: { type: "string" } } } },
        anything: { type: "object" },
      },
      $defs: { creds: { type: "object", properties: { password: { type: "string" } } } },
    };
    const registry = registered(
      rawPlugin("p", {
        slug: "deep",
        schema: deep,
        secretFields: ["headers.*", "creds.password", "keys.*.secret", "anything.x.y"],
      }),
    );
    expect(registry.get("deep").secretFields).toHaveLength(4);
  });

  it("inherits capability methods from a base class", () => {
    class Base {
      async readPath() {
        return Buffer.alloc(0);
      }
    }
    class Derived extends Base {}
    expect(() =>
      registered(rawPlugin("p", { slug: "derived", capabilities: ["read-path"], implementation: Derived })),
    ).not.toThrow();
  });
});

describe("validation and checksums", () => {
  const registry = registered(definePlugin({ name: "p", blockTypes: [reader] }));

  it("reports every failing field as a JSON pointer", () => {
    expect(registry.validate("reader", { root: "/srv", depth: 1 })).toEqual([]);
    expect(registry.validate("reader", { depth: -1, extra: true })).toEqual([
      { path: "/root", message: "must have required property 'root'" },
      { path: "/extra", message: "must NOT have additional properties" },
      { path: "/depth", message: "must be >= 0" },
    ]);
    expect(() => registry.validate("nope", {})).toThrow(UnknownBlockTypeError);
  });

  it("hashes the canonical JSON, whatever the key order", () => {
    const a = { type: "object", properties: { b: { type: "string", minLength: 1 }, a: { type: "integer" } } };
    const b = { properties: { a: { type: "integer" }, b: { minLength: 1, type: "string" } }, type: "object" };
    expect(canonicalJson(a)).toBe(
      '{"properties":{"a":{"type":"integer"},"b":{"minLength":1,"type":"string"}},"type":"object"}',
    );
    expect(schemaChecksum(a)).toBe(schemaChecksum(b));
    expect(schemaChecksum(a)).toBe(`sha256:${createHash("sha256").update(canonicalJson(b)).digest("hex")}`);
    expect(schemaChecksum({ ...a, required: ["a"] })).not.toBe(schemaChecksum(a));
    expect(registry.checksum("reader")).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(registry.checksum("reader")).toBe(
      schemaChecksum({ schema, secretFields: ["token"], capabilities: ["read-path"] }),
    );
  });
});

describe("createInstance", () => {
  const registry = registered(definePlugin({ name: "p", blockTypes: [reader] }));
  const logger: BlockLogger = { debug() {}, info() {}, warn() {}, error() {} };

  it("passes the configuration, then the injected tokens, resolved from a child container", async () => {
    const c = rootContainer.createChildContainer();
    c.registerInstance(LOGGER, logger);
    const block = registry.createInstance<Reader>("reader", { root: "/srv", token: "s3cr3t" }, c);
    expect(block).toBeInstanceOf(Reader);
    expect(block.deps.logger).toBe(logger);
    expect(block.deps.type).toEqual({ slug: "reader", plugin: "p" });
    expect(Object.keys(block.deps)).toEqual(["logger", "type"]);
    expect((await block.readPath("x")).toString()).toBe("/srv/x");
    // per-instance bindings stay in the child
    expect(c.isRegistered(BLOCK_TYPE, true)).toBe(false);
  });

  it("validates the configuration first, without quoting its values", () => {
    const c = rootContainer.createChildContainer();
    c.registerInstance(LOGGER, logger);
    const attempt = () => registry.createInstance("reader", { token: "s3cr3t-value" }, c);
    expect(attempt).toThrow(InvalidBlockConfigError);
    expect(attempt).toThrow(
      "invalid configuration for block type \"reader\": /root must have required property 'root'",
    );
    expect(attempt).not.toThrow(/s3cr3t-value/);
  });

  it("names the missing dependency", () => {
    expect(() => registry.createInstance("reader", { root: "/" }, rootContainer.createChildContainer())).toThrow(
      MissingBlockDependencyError,
    );
    expect(() => registry.createInstance("reader", { root: "/" }, rootContainer.createChildContainer())).toThrow(
      'Plugin "p" block type "reader": inject/logger Symbol(ordo.blocks.Logger) is not registered in the container',
    );
  });
});
