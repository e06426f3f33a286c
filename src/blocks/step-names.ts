// The names of Ordo's own deployment steps: the contract between what applyDeployment stores (the
// domain checks pull steps against these and the plugins' pull steps), what the executor runs
// (worker/executor/pull-steps.ts) and what `ordo deploy` runs (cli/project/steps.ts). It lives in
// blocks/ because that is the layer all of them may import, beside the plugins' own steps.

/** Short names, as the executor's table is keyed. */
export const PULL_STEP_NAMES = [
  "set_working_directory",
  "git_clone",
  "pull_from_storage",
  "pull_with_block",
  "pull_from_remote_storage",
] as const;
export type PullStepName = (typeof PULL_STEP_NAMES)[number];

/** Steps `ordo deploy` runs in its build and push sections. */
export const DEPLOY_STEP_NAMES = ["run_shell_script", "push_to_storage"] as const;
export type DeployStepName = (typeof DEPLOY_STEP_NAMES)[number];

/** Older names still accepted (Prefect 2's projects). */
export const PULL_STEP_ALIASES: Readonly<Record<string, PullStepName>> = { git_clone_project: "git_clone" };

/** Every name of Ordo's own steps: a plugin may not take one. */
export const CORE_STEP_NAMES: readonly string[] = [
  ...PULL_STEP_NAMES,
  ...DEPLOY_STEP_NAMES,
  ...Object.keys(PULL_STEP_ALIASES),
];

/**
 * `<package>.deployments.steps.` (Prefect 3: prefect.deployments.steps.git_clone,
 * prefect_aws.deployments.steps.pull_from_s3, ordo.deployments.steps.…) or 2.x's
 * `<package>.projects.steps.`: the short name is what follows.
 */
const STEP_PREFIX = /^[A-Za-z_][A-Za-z0-9_]*\.(?:deployments|projects)\.steps\./;

/** The short name a step key stands for with its prefix removed and aliases applied. */
export function shortStepName(given: string, aliases: Readonly<Record<string, string>> = {}): string {
  const short = given.replace(STEP_PREFIX, "");
  return Object.hasOwn(aliases, short) ? aliases[short]! : short;
}

/** The pull step of Ordo's own a key names, or null (it may still be a plugin's). */
export function pullStepName(given: string): PullStepName | null {
  const name = shortStepName(given, PULL_STEP_ALIASES);
  return (PULL_STEP_NAMES as readonly string[]).includes(name) ? (name as PullStepName) : null;
}
