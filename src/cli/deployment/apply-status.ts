// What applying one deployment did, as the CLI reports it: the server says which fields it changed.

export type ApplyStatus = "created" | "updated" | "unchanged";

/** unchanged: the stored deployment already matched, and the server wrote nothing */
export function applyStatus(r: { created: boolean; changedFields: readonly string[] }): ApplyStatus {
  return r.created ? "created" : r.changedFields.length ? "updated" : "unchanged";
}
