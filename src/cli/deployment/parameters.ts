// Flow parameters on the command line: `--params '{"a": 1}'` and `--param k=v` (repeatable, the
// value read as JSON when it parses — 42, true, [1,2] — and as a string otherwise), the latter winning.
import { CliError } from "../common/errors.js";
import { keyValue, parseJson } from "../common/options.js";

export function parametersFromFlags(params: string | undefined, param: string[] | undefined): Record<string, unknown> | undefined {
  if (params === undefined && !param?.length) return undefined;
  const out: Record<string, unknown> = {};
  if (params !== undefined) {
    const parsed = parseJson("--params", params);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new CliError(`--params takes a JSON object like '{"name": "Marvin"}', not ${params}`);
    Object.assign(out, parsed);
  }
  for (const raw of param ?? []) {
    const [key, value] = keyValue("--param", raw);
    out[key] = jsonOrString(value);
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
