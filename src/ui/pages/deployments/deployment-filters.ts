// The deployments list's search, kept in the URL (?name=…&flow=…&tag=a,b) so a search can be linked
// to, and turned into the API's DeploymentFilter.
import type { DeploymentFilter } from "../../generated/graphql";

export interface DeploymentSearch {
  name: string;
  flow: string;
  /** comma separated: deployments having all of them */
  tag: string;
}

export function readSearch(params: URLSearchParams): DeploymentSearch {
  return { name: params.get("name") ?? "", flow: params.get("flow") ?? "", tag: params.get("tag") ?? "" };
}

export function writeSearch(search: DeploymentSearch): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["name", "flow", "tag"] as const) {
    const value = search[key].trim();
    if (value) params.set(key, value);
  }
  return params;
}

export function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

export function toApiFilter(search: DeploymentSearch): DeploymentFilter {
  const tags = splitTags(search.tag);
  return {
    ...(search.name.trim() ? { nameContains: search.name.trim() } : {}),
    ...(search.flow.trim() ? { flowName: search.flow.trim() } : {}),
    ...(tags.length ? { tags } : {}),
  };
}
