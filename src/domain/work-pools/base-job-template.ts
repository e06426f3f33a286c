// A work pool's base job template: `job_configuration` with "{{ variable }}" placeholders, and
// `variables`, the JSON Schema that declares every placeholder (Prefect's validate_base_job_template).
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { BadUserInputError, validationFailed } from "../errors.js";
import { acceptJson } from "../json-input.js";
import { isPlainObject, type JsonObject } from "../json.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Placeholders that name something other than a variable (blocks, variables of the server). */
const NAMESPACED = /^ordo\./;

export function checkBaseJobTemplate(template: unknown, field: string, schemas: JsonSchemaValidator): JsonObject {
  if (template === undefined || template === null) return {};
  acceptJson(template, field);
  if (!isPlainObject(template)) throw new BadUserInputError(`${field} must be a JSON object`, field);
  if (Object.keys(template).length === 0) return template;
  const { job_configuration: config, variables } = template;
  if (!isPlainObject(config))
    throw new BadUserInputError(`${field}.job_configuration must be a JSON object`, `${field}.job_configuration`);
  if (!isPlainObject(variables))
    throw new BadUserInputError(`${field}.variables must be a JSON Schema object`, `${field}.variables`);
  const issues = schemas.checkSchema(variables);
  if (issues.length) throw validationFailed(`${field}.variables`, "variables is not a valid JSON Schema:", issues);
  const declared = new Set(Object.keys(isPlainObject(variables.properties) ? variables.properties : {}));
  for (const name of placeholders(config)) {
    if (!NAMESPACED.test(name) && !declared.has(name)) {
      throw new BadUserInputError(
        `${field}.job_configuration uses {{ ${name} }}, which is not declared in variables.properties`,
        `${field}.job_configuration`,
      );
    }
  }
  return template;
}

export function placeholders(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const m of value.matchAll(PLACEHOLDER)) found.add(m[1]!);
  else if (Array.isArray(value)) value.forEach((v) => placeholders(v, found));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => placeholders(v, found));
  return found;
}
