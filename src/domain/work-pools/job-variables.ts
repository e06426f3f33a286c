// Job variables: the pool's defaults ← the deployment's ← the run's (env maps merged, "a.b" dot
// keys expanded), rendered into the pool's job configuration by "{{ placeholder }}" (Prefect's
// BaseJobConfiguration.from_template_and_values). Stored documents predate the JSON intake, so
// every step here reads own properties only and never assigns a prototype key.
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { hasPrototypeSegment, ownValue, setOwn } from "../../validation/json-intake.js";
import { validationFailed } from "../errors.js";
import { isPlainObject, type JsonObject } from "../json.js";

/** "env.KEY": "v" → { env: { KEY: "v" } }; a nested form already present wins over the dotted one. */
export function expandDotKeys(values: JsonObject): JsonObject {
  const out: JsonObject = {};
  const dotted = Object.entries(values).filter(([k]) => k.includes("."));
  for (const [k, v] of Object.entries(values)) if (!k.includes(".")) setOwn(out, k, v);
  for (const [k, v] of dotted) {
    // "__proto__.x" would otherwise walk onto Object.prototype (issue 12)
    if (hasPrototypeSegment(k)) continue;
    const path = k.split(".");
    let node = out;
    for (const segment of path.slice(0, -1)) {
      if (!isPlainObject(ownValue(node, segment))) setOwn(node, segment, {});
      node = ownValue(node, segment) as JsonObject;
    }
    const last = path.at(-1)!;
    if (!Object.hasOwn(node, last)) setOwn(node, last, v);
  }
  return out;
}

/** Defaults declared in the pool's variables schema (non-null ones only, as Prefect does). */
export function variableDefaults(template: unknown): JsonObject {
  const vars = isPlainObject(template) && isPlainObject(template.variables) ? template.variables : {};
  const props = isPlainObject(vars.properties) ? vars.properties : {};
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(props)) {
    if (isPlainObject(schema) && schema.default !== undefined && schema.default !== null)
      setOwn(out, name, schema.default);
  }
  return out;
}

/** Later layers win key by key; `env` maps are merged rather than replaced. */
export function mergeJobVariables(...layers: unknown[]): JsonObject {
  const out: JsonObject = {};
  for (const layer of layers) {
    if (!isPlainObject(layer)) continue;
    for (const [k, v] of Object.entries(expandDotKeys(layer))) {
      const env = ownValue(out, "env");
      setOwn(out, k, k === "env" && isPlainObject(v) && isPlainObject(env) ? { ...env, ...v } : v);
    }
  }
  return out;
}

const WHOLE = /^\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}$/;
const PART = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
const MISSING = Symbol("missing");

/**
 * Fills the job configuration: a placeholder that is the whole string takes the value with its
 * type; one inside a longer string is interpolated; a key whose placeholder has no value is dropped.
 */
export function renderJobConfiguration(template: unknown, values: JsonObject): JsonObject {
  const config = isPlainObject(template) && isPlainObject(template.job_configuration) ? template.job_configuration : {};
  const rendered = render(config, values);
  return isPlainObject(rendered) ? rendered : {};
}

function render(node: unknown, values: JsonObject): unknown {
  if (typeof node === "string") {
    const whole = WHOLE.exec(node);
    // own properties only: "{{ constructor }}" must not render Object's constructor
    if (whole) return Object.hasOwn(values, whole[1]!) ? values[whole[1]!] : MISSING;
    return node.replace(PART, (m, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : m));
  }
  if (Array.isArray(node)) return node.map((v) => render(v, values)).filter((v) => v !== MISSING);
  if (isPlainObject(node)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      const r = render(v, values);
      if (r !== MISSING) setOwn(out, k, r);
    }
    return out;
  }
  return node;
}

/** What a run's infrastructure is started with. */
export function jobConfigurationFor(
  poolTemplate: unknown,
  deploymentVariables: unknown,
  runVariables: unknown,
): JsonObject {
  const values = mergeJobVariables(variableDefaults(poolTemplate), deploymentVariables, runVariables);
  // a pool without a template passes the merged variables straight through (e.g. process config)
  if (!isPlainObject(poolTemplate) || !isPlainObject(poolTemplate.job_configuration)) return values;
  const config = renderJobConfiguration(poolTemplate, values);
  // env is deep-merged once more, so variables' env reaches a template that fixes some env keys
  if (isPlainObject(config.env) && isPlainObject(values.env)) config.env = { ...config.env, ...values.env };
  return config;
}

/**
 * Job variables layered over the pool's defaults must satisfy its `variables` schema: for a run
 * (everything must be there), and for a deployment at apply time (`ignoreRequired`: a run may still
 * supply a required value). VALIDATION_FAILED at `field`, with a JSON pointer per problem.
 */
export function checkJobVariables(
  schemas: JsonSchemaValidator,
  template: unknown,
  layers: unknown[],
  field: string,
  ignoreRequired: boolean,
): void {
  if (!isPlainObject(template) || !isPlainObject(template.variables)) return;
  const values = mergeJobVariables(variableDefaults(template), ...layers);
  const issues = schemas.validate(template.variables, values, { ignoreRequired });
  if (issues.length) throw validationFailed(field, "Job variables", issues);
}
