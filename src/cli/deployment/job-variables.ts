// Job variables from build's `--override env.KEY=value` and from files (job_variables, or Prefect
// 2's infra_overrides with dotted keys): nested objects, as the work pool's job template reads them.
import { CliError } from "../common/errors.js";

type Json = Record<string, unknown>;

const KEY = /^[A-Za-z_][\w-]*(\.[A-Za-z_0-9][\w-]*)*$/;

/** `--override a.b=c` → nested `{ a: { b: "c" } }`; values stay strings, as Prefect's overrides do. */
export function overridesToJobVariables(overrides: string[]): Json {
  const out: Json = {};
  for (const raw of overrides) {
    const at = raw.indexOf("=");
    const key = at > 0 ? raw.slice(0, at).trim() : "";
    if (!KEY.test(key)) {
      throw new CliError(`--override takes a dotted key=value such as env.KEY=value or command=…, not "${raw}"`);
    }
    setIn(out, key.split("."), raw.slice(at + 1), `--override ${raw}`);
  }
  return out;
}

/** `{ "env.KEY": "v" }` → `{ env: { KEY: "v" } }`; keys without dots stay as they are. */
export function expandDotKeys(values: Json, where: string): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(values)) setIn(out, k.split("."), v, `${where} ${k}`);
  return out;
}

/** Objects merged key by key, `later` winning. */
export function mergeDeep(earlier: Json, later: Json): Json {
  const out: Json = { ...earlier };
  for (const [k, v] of Object.entries(later)) out[k] = isObject(out[k]) && isObject(v) ? mergeDeep(out[k] as Json, v) : v;
  return out;
}

function setIn(target: Json, path: string[], value: unknown, what: string): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    if (node[segment] === undefined) node[segment] = {};
    if (!isObject(node[segment])) throw new CliError(`${what}: "${segment}" is already set to a value, it cannot also hold keys`);
    node = node[segment] as Json;
  }
  const last = path.at(-1)!;
  node[last] = isObject(node[last]) && isObject(value) ? mergeDeep(node[last] as Json, value) : value;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
