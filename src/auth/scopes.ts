// The five API-key scopes and what each one includes: read ⊂ run ⊂ write ⊂ admin, read ⊂ worker ⊂ admin.
export const SCOPES = ["read", "run", "worker", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** What holding a scope lets a key do (README "Security" repeats this table). */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: "queries and subscriptions; secrets always masked",
  run: "read + create flow runs and cancel them",
  worker: "read + claim runs, heartbeats, states, logs, and the secrets of blocks its running runs need",
  write: "run + apply/delete deployments, blocks, work pools and queues",
  admin: "everything, including API keys and includeSecrets on any block",
};

const INCLUDES: Record<Scope, readonly Scope[]> = {
  read: ["read"],
  run: ["run", "read"],
  worker: ["worker", "read"],
  write: ["write", "run", "read"],
  admin: SCOPES,
};

/** True when any held scope includes `needed`. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.some((s) => INCLUDES[s]?.includes(needed));
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
