// Job variables from build's `--override env.KEY=value` and from files (job_variables, or Prefect
// 2's infra_overrides with dotted keys): nested objects, as the work pool's job template reads them.
// Built with the JSON intake's own-property setters: "__proto__.x" or "a.constructor" is refused.
import { hasPrototypeSegment, mergeDeep, setPath } from "../../validation/json-intake.js";
import { CliError } from "../common/errors.js";

type Json = Record<string, unknown>;

const KEY = /^[A-Za-z_][\w-]*(\.[A-Za-z_0-9][\w-]*)*$/;

export { mergeDeep };

/** `--override a.b=c` → nested `{ a: { b: "c" } }`; values stay strings, as Prefect's overrides do. */
export function overridesToJobVariables(overrides: string[]): Json {
  const out: Json = {};
  for (const raw of overrides) {
    const at = raw.indexOf("=");
    const key = at > 0 ? raw.slice(0, at).trim() : "";
    if (!KEY.test(key)) {
      throw new CliError(`--override takes a dotted key=value such as env.KEY=value or command=…, not "${raw}"`);
    }
    setIn(out, key, raw.slice(at + 1), `--override ${raw}`);
  }
  return out;
}

/** `{ "env.KEY": "v" }` → `{ env: { KEY: "v" } }`; keys without dots stay as they are. */
export function expandDotKeys(values: Json, where: string): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(values)) setIn(out, k, v, `${where} ${k}`);
  return out;
}

function setIn(target: Json, key: string, value: unknown, what: string): void {
  if (hasPrototypeSegment(key))
    throw new CliError(`${what}: the key "${key}" is not allowed (__proto__, constructor and prototype are reserved)`);
  const blocked = setPath(target, key.split("."), value, "merge");
  if (blocked)
    throw new CliError(`${what}: "${blocked.blockedAt}" is already set to a value, it cannot also hold keys`);
}
