// Secret fields of block data in the forms. The server answers "********" for every non-null value at
// a secret path ("token", "credentials.password", "headers.*") and keeps the stored secret when that
// mask is written back; the dashboard never asks for secrets in clear. So an edit form starts with
// the masked secrets removed (a password input shows nothing), and on save every secret left empty
// goes back as the mask. Where secrets sit in the data is the server's own code (blocks/secret-paths),
// so the form takes out exactly what the server masked.

import { getAt, secretLocations } from "../../../blocks/secret-paths";

/** what the server answers for a stored secret (src/blocks/secrets.ts), and keeps it on write-back */
export const SECRET_MASK = "********";

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === "object" && v !== null;
}

/** Sets a value, creating the objects on the way (the form may have dropped an emptied parent). */
function setAt(data: Record<string, unknown>, location: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = data;
  for (const key of location.slice(0, -1)) {
    if (!isContainer(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[location[location.length - 1] as string] = value;
}

function deleteAt(data: unknown, location: readonly string[]): void {
  const parent = getAt(data, location.slice(0, -1));
  const key = location[location.length - 1] as string;
  if (Array.isArray(parent)) parent[Number(key)] = undefined;
  else if (isContainer(parent)) delete (parent as Record<string, unknown>)[key];
}

/** Nothing typed: what an untouched (or emptied) input of any shape leaves in the form data. */
function isBlank(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.every(isBlank);
  if (isContainer(v)) return Object.values(v).every(isBlank);
  return false;
}

export interface EditableData {
  /** the data without its masked secrets: what the edit form starts with */
  value: Record<string, unknown>;
  /** where a secret is stored (the server sent the mask there) */
  stored: string[][];
}

/** The edit form's starting value: the stored data with every masked secret taken out. */
export function withoutMaskedSecrets(data: unknown, paths: readonly string[]): EditableData {
  const value = structuredClone(isContainer(data) && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const stored = secretLocations(value, paths).filter((loc) => getAt(value, loc) === SECRET_MASK);
  for (const loc of stored) deleteAt(value, loc);
  return { value, stored };
}

/** What to save: the form's value, with the mask put back at every stored secret left empty. */
export function withKeptSecrets(value: Record<string, unknown>, stored: readonly string[][]): Record<string, unknown> {
  const out = structuredClone(value);
  for (const loc of stored) if (isBlank(getAt(out, loc))) setAt(out, loc, SECRET_MASK);
  return out;
}
