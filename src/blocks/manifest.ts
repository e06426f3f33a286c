// The manifests a plugin is checked against with Ajv: its package.json marker and the definition
// its entry exports (everything JSON about it; the implementation class is checked separately).
import { JsonSchemaValidator, type ValidationIssue } from "../validation/ajv.js";
import { PluginLoadError } from "./errors.js";
import { CAPABILITIES, STEP_KINDS, type PluginDefinition } from "./sdk.js";
import { SECRET_PATH_PATTERN } from "./secret-paths.js";

/** The package.json field that makes a package an Ordo plugin: `"ordo": { "plugin": "./index.ts" }`. */
export const MANIFEST_FIELD = "ordo";

export const SLUG_PATTERN = "^[a-z0-9-]+$";

/** A step's short name, as deployments write it after `<package>.deployments.steps.` */
export const STEP_NAME_PATTERN = "^[a-z][a-z0-9_]*$";

export const PACKAGE_MANIFEST_SCHEMA = {
  type: "object",
  required: ["name", MANIFEST_FIELD],
  properties: {
    // npm's package-name rules, scoped or not
    name: { type: "string", pattern: "^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$" },
    version: { type: "string", minLength: 1 },
    [MANIFEST_FIELD]: {
      type: "object",
      required: ["plugin"],
      properties: { plugin: { type: "string", pattern: "^\\./.+" } },
      additionalProperties: false,
    },
  },
} as const;

const URL_OR_NULL = { type: ["string", "null"], format: "uri" } as const;

export const PLUGIN_DEFINITION_SCHEMA = {
  type: "object",
  // the name is package.json's; a definition may repeat it (the registry checks they agree)
  required: ["blockTypes"],
  properties: {
    name: { type: "string", minLength: 1 },
    version: { type: "string", minLength: 1 },
    blockTypes: { type: "array", minItems: 1, items: { $ref: "#/$defs/blockType" } },
    steps: { type: "array", items: { $ref: "#/$defs/step" } },
    workPoolTypes: { type: "array", items: { $ref: "#/$defs/workPoolType" } },
  },
  $defs: {
    stepName: { type: "string", pattern: STEP_NAME_PATTERN },
    step: {
      type: "object",
      required: ["name", "kind", "args", "run"],
      additionalProperties: false,
      properties: {
        name: { $ref: "#/$defs/stepName" },
        kind: { enum: [...STEP_KINDS] },
        aliases: { type: "array", uniqueItems: true, items: { $ref: "#/$defs/stepName" } },
        description: { type: "string" },
        args: { type: "array", uniqueItems: true, items: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } },
        required: { type: "array", uniqueItems: true, items: { type: "string" } },
        secretArgs: { type: "array", uniqueItems: true, items: { type: "string" } },
        outputs: { type: "array", uniqueItems: true, items: { type: "string" } },
        run: true,
      },
    },
    workPoolType: {
      type: "object",
      required: ["type", "blockType", "baseJobTemplate"],
      additionalProperties: false,
      properties: {
        type: { type: "string", pattern: SLUG_PATTERN },
        blockType: { type: "string", pattern: SLUG_PATTERN },
        description: { type: "string" },
        baseJobTemplate: {
          type: "object",
          required: ["job_configuration", "variables"],
          additionalProperties: false,
          properties: { job_configuration: { type: "object" }, variables: { type: "object" } },
        },
      },
    },
    blockType: {
      type: "object",
      required: ["slug", "name", "schema", "capabilities", "implementation"],
      // closed, so a misspelt key (secretField, capability) is reported instead of ignored
      additionalProperties: false,
      properties: {
        slug: { type: "string", pattern: SLUG_PATTERN },
        name: { type: "string", minLength: 1 },
        description: { type: ["string", "null"] },
        documentationUrl: URL_OR_NULL,
        logoUrl: URL_OR_NULL,
        schema: { type: "object" },
        secretFields: { type: "array", uniqueItems: true, items: { type: "string", pattern: SECRET_PATH_PATTERN } },
        capabilities: { type: "array", uniqueItems: true, items: { enum: [...CAPABILITIES] } },
        isProtected: { type: "boolean" },
        // names → tokens; the tokens (symbols, mostly) are checked with the implementation
        inject: { type: "object" },
        implementation: true,
      },
    },
  },
} as const;

export interface PackageManifest {
  name: string;
  version: string | null;
  /** the entry as written, relative to the package folder */
  entry: string;
}

const validator = new JsonSchemaValidator();

/** Checks a package.json; `label` names the plugin when its own name is unusable. */
export function checkPackageManifest(pkg: unknown, label: string): PackageManifest {
  const issues = validator.validate(PACKAGE_MANIFEST_SCHEMA, pkg);
  const name = typeof (pkg as { name?: unknown })?.name === "string" ? (pkg as { name: string }).name : label;
  if (issues.length > 0) throw fromIssues(name, null, "package.json", issues);
  const p = pkg as { name: string; version?: string; ordo: { plugin: string } };
  return { name: p.name, version: p.version ?? null, entry: p.ordo.plugin };
}

/** Checks the JSON side of an exported definition; issues inside blockTypes[i] are attributed to that block type. */
export function checkPluginDefinitionShape(definition: PluginDefinition, plugin: string): void {
  // The list form of inject ([LOGGER], in constructor order) is gone: say what replaced it.
  const blockTypes: unknown[] = Array.isArray(definition.blockTypes) ? definition.blockTypes : [];
  for (const [i, type] of blockTypes.entries()) {
    const { slug, inject } = (type ?? {}) as { slug?: unknown; inject?: unknown };
    if (Array.isArray(inject)) {
      const label = typeof slug === "string" && slug !== "" ? slug : `#${i}`;
      throw new PluginLoadError(
        plugin,
        label,
        "inject",
        "must name each dependency, e.g. { logger: LOGGER }: the constructor gets them as one object after the configuration, (config, { logger })",
      );
    }
  }
  const issues = validator.validate(PLUGIN_DEFINITION_SCHEMA, definition);
  if (issues.length === 0) return;
  const first = issues[0]!;
  const m = /^\/blockTypes\/(\d+)(\/.*)?$/.exec(first.path);
  if (!m) throw fromIssues(plugin, null, null, issues);
  const index = Number(m[1]);
  const slug = (definition.blockTypes[index] as { slug?: unknown } | undefined)?.slug;
  const label = typeof slug === "string" && slug !== "" ? slug : `#${index}`;
  const field = (m[2] ?? "").slice(1);
  throw new PluginLoadError(plugin, label, field, first.message, issues);
}

/**
 * One error from Ajv issues: the first is shown, all are kept on the error. `field` prefixes the
 * pointer ("schema /properties/x/type"); without it the pointer itself names the field.
 */
export function fromIssues(
  plugin: string,
  blockType: string | null,
  field: string | null,
  issues: readonly ValidationIssue[],
): PluginLoadError {
  const first = issues[0]!;
  const where = field === null ? first.path.replace(/^\//, "") || "definition" : `${field} ${first.path || "/"}`;
  return new PluginLoadError(plugin, blockType, where, first.message, issues);
}
