// The names of the pull steps a worker can run: the contract between what applyDeployment stores
// (the domain checks names against it) and what the executor runs (worker/executor/pull-steps.ts
// implements exactly these). It lives in blocks/ because that is the layer both may import.

/** Short names, as the executor's table is keyed. */
export const PULL_STEP_NAMES = ["set_working_directory", "git_clone", "pull_from_storage", "pull_with_block"] as const;
export type PullStepName = (typeof PULL_STEP_NAMES)[number];

/** Older names still accepted (Prefect 2's projects). */
export const PULL_STEP_ALIASES: Readonly<Record<string, PullStepName>> = { git_clone_project: "git_clone" };

// Prefect's names (prefect.deployments.steps.git_clone, 2.x's prefect.projects.steps.*), ours, and bare.
export const STEP_PREFIXES = ["prefect.deployments.steps.", "prefect.projects.steps.", "ordo.deployments.steps."];

/** The short name a step key stands for with its prefix removed and aliases applied. */
export function shortStepName(given: string, aliases: Readonly<Record<string, string>> = {}): string {
  const short = STEP_PREFIXES.reduce((n, p) => (n.startsWith(p) ? n.slice(p.length) : n), given);
  return Object.hasOwn(aliases, short) ? aliases[short]! : short;
}

/** The pull step a key names, or null when no worker could run it. */
export function pullStepName(given: string): PullStepName | null {
  const name = shortStepName(given, PULL_STEP_ALIASES);
  return (PULL_STEP_NAMES as readonly string[]).includes(name) ? (name as PullStepName) : null;
}
