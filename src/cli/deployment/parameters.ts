// Flow parameters on the command line: `--params '{"a": 1}'` and `--param k=v` (repeatable, the
// value read as JSON when it parses — 42, true, [1,2] — and as a string otherwise), the latter winning.
import { isPrototypeKey, setOwn } from "../../blocks/index.js";
import { CliError } from "../common/errors.js";
import { checkJsonIntake } from "../common/json-intake.js";
import { keyValue, parseJson } from "../common/options.js";

export function parametersFromFlags(params: string | undefined, param: string[] | undefined): Record<string, unknown> | undefined {
  if (params === undefined && !param?.length) return undefined;
  const out: Record<string, unknown> = {};
  if (params !== undefined) {
    const parsed = parseJson("--params", params);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new CliError(`--params takes a JSON object like '{"name": "Marvin"}', not ${params}`);
    for (const [k, v] of Object.entries(parsed)) setOwn(out, k, v);
  }
  for (const raw of param ?? []) {
    const [key, value] = keyValue("--param", raw);
    if (isPrototypeKey(key)) throw new CliError(`--param ${key}: the name "${key}" is not allowed (__proto__, constructor and prototype are reserved)`);
    const parsed = jsonOrString(value);
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
