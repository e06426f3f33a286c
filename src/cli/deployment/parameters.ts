// Flow parameters on the command line: `--params '{"a": 1}'` and `--param k=v` (repeatable, the
// value read as JSON when it parses — 42, true, [1,2] — and as a string otherwise), the latter winning.
import { isPrototypeKey, setOwn } from "../../validation/json-intake.js";
import { CliError } from "../common/errors.js";
import { checkJsonIntake } from "../common/json-intake.js";
import type { Command } from "commander";
import { collect, keyValue, parseJson } from "../common/options.js";

/** Adds --param and --params to a command that creates a run (read them with parametersFromFlags). */
export function withParameterOptions(command: Command): Command {
  return command
    .option(
      "--param <key=value>",
      "a parameter, typed by the deployment's parameter schema (a string property keeps the text; otherwise read as JSON when it parses) (repeatable; wins over --params)",
      collect,
    )
    .option("--params <json>", "parameters as a JSON object, merged over the deployment's");
}

/**
 * `schema` (the flow's / deployment's parameter JSON Schema) types each --param value: a string
 * property keeps the text as it is (`bucket=5` stays "5"); number, integer, boolean, object and
 * array properties are read as JSON; a property the schema does not type, or no schema, as before.
 */
export function parametersFromFlags(
  params: string | undefined,
  param: string[] | undefined,
  schema?: unknown,
): Record<string, unknown> | undefined {
  if (params === undefined && !param?.length) return undefined;
  const out: Record<string, unknown> = {};
  if (params !== undefined) {
    const parsed = parseJson("--params", params);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new CliError(`--params takes a JSON object like '{"name": "Marvin"}', not ${params}`);
    for (const [k, v] of Object.entries(parsed)) setOwn(out, k, v);
  }
  for (const raw of param ?? []) {
    const [key, value] = keyValue("--param", raw);
    if (isPrototypeKey(key))
      throw new CliError(
        `--param ${key}: the name "${key}" is not allowed (__proto__, constructor and prototype are reserved)`,
      );
    const types = propertyTypes(schema, key);
    // only a property typed as text (or text or null) keeps the text: "5" stays "5"
    const parsed =
      types.includes("string") && types.every((t) => t === "string" || t === "null") ? value : jsonOrString(value);
    checkJsonIntake(parsed, `--param ${key}`);
    setOwn(out, key, parsed);
  }
  return out;
}

function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The JSON types a schema gives a top-level property ([] when it says nothing). */
function propertyTypes(schema: unknown, key: string): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  const properties = (schema as { properties?: unknown }).properties;
  if (typeof properties !== "object" || properties === null || !Object.hasOwn(properties, key)) return [];
  const type = (properties as Record<string, { type?: unknown }>)[key]?.type;
  return typeof type === "string"
    ? [type]
    : Array.isArray(type)
      ? type.filter((t): t is string => typeof t === "string")
      : [];
}
