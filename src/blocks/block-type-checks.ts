// Boot-time checks of one block type beyond its manifest shape: the schema compiles (draft
// 2020-12, object at the top), secret fields can be named, the class implements every capability.
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import { toIssues } from "../validation/ajv.js";
import { PluginLoadError } from "./errors.js";
import { fromIssues } from "./manifest.js";
import { schemaSecretPaths, secretPathReachable, strayRequired, UnnamableSecretError } from "./schema-walk.js";
import { CAPABILITY_METHODS, type BlockTypeDefinition } from "./sdk.js";

const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

export interface CheckedBlockType {
  validate: ValidateFunction;
  /** the fields the schema marks secret, then those only the secretFields list names */
  secretFields: string[];
}

/** Throws PluginLoadError for the first problem; returns the compiled validator and the secret paths otherwise. */
export function checkBlockType(def: BlockTypeDefinition, plugin: string, ajv: Ajv2020): CheckedBlockType {
  const fail = (field: string, problem: string) => new PluginLoadError(plugin, def.slug, field, problem);
  const schema = def.schema as Record<string, unknown>;

  // Ajv would look the meta-schema up and fail with an opaque "no schema with key or ref".
  if (schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12 && schema.$schema !== `${DRAFT_2020_12}#`) {
    throw fail("schema /$schema", `must be ${DRAFT_2020_12} (block schemas are JSON Schema draft 2020-12)`);
  }
  if (!ajv.validateSchema(schema)) throw fromIssues(plugin, def.slug, "schema", toIssues(ajv.errors ?? []));
  if (schema.type !== "object") throw fail("schema /type", 'must be "object" (a block configuration is a JSON object)');
  const stray = strayRequired(schema);
  if (stray) throw fail(`schema ${stray[0]}`, `names "${stray[1]}", which is not in properties`);

  let validate: ValidateFunction;
  try {
    // $id would collide between schemas compiled into one Ajv instance; identity is the slug.
    const { $id: _ignored, ...rest } = schema;
    validate = ajv.compile(rest);
  } catch (e) {
    throw fail("schema", `does not compile: ${(e as Error).message}`);
  }

  let secretFields: string[];
  try {
    secretFields = schemaSecretPaths(schema);
  } catch (e) {
    if (e instanceof UnnamableSecretError) throw fail(`schema ${e.pointer}`, e.problem);
    throw e;
  }
  def.secretFields.forEach((path, i) => {
    if (!secretPathReachable(schema, path))
      throw fail(`secretFields/${i}`, `"${path}" names no property of the schema`);
    if (!secretFields.includes(path)) secretFields.push(path);
  });

  checkImplementation(def, fail);

  for (const [name, token] of Object.entries(def.inject)) {
    if (typeof token !== "symbol" && typeof token !== "string" && typeof token !== "function") {
      throw fail(
        `inject/${name}`,
        "must be an injection token (a symbol, string or class, e.g. LOGGER from ordo/blocks-sdk)",
      );
    }
  }
  return { validate, secretFields };
}

function checkImplementation(
  def: BlockTypeDefinition,
  fail: (field: string, problem: string) => PluginLoadError,
): void {
  const impl = def.implementation as unknown;
  if (typeof impl !== "function" || typeof (impl as { prototype?: unknown }).prototype !== "object") {
    throw fail("implementation", "must be a class");
  }
  const proto = (impl as { prototype: Record<string, unknown> }).prototype;
  const className = (impl as { name?: string }).name || "(anonymous class)";
  for (const capability of def.capabilities) {
    for (const method of CAPABILITY_METHODS[capability]) {
      // `in` walks the prototype chain, so inherited methods count.
      if (!(method in proto) || typeof proto[method] !== "function") {
        throw fail("implementation", `${className} has no method ${method}() for capability "${capability}"`);
      }
    }
  }
}
