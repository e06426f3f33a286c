// Secret fields of block documents are named by dot paths with `*` wildcards
// ("credentials.secretKey", "headers.*"); responses show them as ********.
import { isPlainObject } from "../json.js";

export const SECRET_MASK = "********";

/** A deep copy of `data` with every value at a secret path replaced by the mask. */
export function maskSecrets(data: unknown, secretPaths: readonly string[]): unknown {
  let out = structuredClone(data);
  for (const p of secretPaths) out = maskPath(out, p.split("."));
  return out;
}

function maskPath(node: unknown, path: string[]): unknown {
  if (path.length === 0) return node === undefined || node === null ? node : SECRET_MASK;
  if (!isPlainObject(node)) return node;
  const [head, ...rest] = path;
  for (const key of head === "*" ? Object.keys(node) : [head!]) {
    if (key in node) node[key] = maskPath(node[key], rest);
  }
  return node;
}
