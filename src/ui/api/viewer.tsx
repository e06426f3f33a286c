// Who is signed in: the key's name and scopes (the `viewer` query), so pages hide what the key may
// not do. The server still checks every operation; hiding is for clarity, not for safety.
import { createContext, useContext } from "react";
import type { ViewerQuery } from "../generated/graphql";

export type Scope = ViewerQuery["viewer"]["scopes"][number];

export interface ViewerInfo {
  name: string;
  authEnabled: boolean;
  scopes: readonly Scope[];
  version: string;
  signOut(): void;
}

/** What each scope includes (the ApiKeyScope descriptions in schema.graphql). */
const IMPLIED: Record<Scope, readonly Scope[]> = {
  ADMIN: ["ADMIN", "WRITE", "RUN", "READ", "WORKER"],
  WRITE: ["WRITE", "RUN", "READ"],
  RUN: ["RUN", "READ"],
  WORKER: ["WORKER", "READ"],
  READ: ["READ"],
};

export const ViewerContext = createContext<ViewerInfo | null>(null);

export function useViewer(): ViewerInfo {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer outside the signed-in app");
  return viewer;
}

/** true when the signed-in key may do what `scope` allows */
export function useCan(scope: Scope): boolean {
  const viewer = useViewer();
  return viewer.scopes.some((s) => IMPLIED[s].includes(scope));
}
