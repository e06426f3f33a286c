// Where an agent's job configuration comes from (Prefect 2's agent, seeds 001/002): not the pool's
// job template but the run's deployment's own infrastructure block (a process one when it has
// none), its data read with secrets, with the deployment's and run's job variables
// (infra_overrides) layered over it and the result checked against the block type's schema.
import { mergeDeep, type BlockRegistry } from "../blocks/index.js";
import { AgentRunInfrastructureDocument, ExecutorBlockDocumentDocument } from "../client/generated/graphql.js";
import type { WorkerApi } from "./api.js";
import type { ClaimedRun, RunInfrastructureSpec } from "./run-supervisor.js";
import { isObject, RunConfigurationError } from "./run-supervisor.js";

/** The block type a deployment without an infrastructure block runs on (Prefect's default, Process). */
export const DEFAULT_AGENT_INFRASTRUCTURE = "process";

/** Plugins that provide the infrastructure block types the seeds name, for the error when one is missing. */
const KNOWN_PROVIDERS: Record<string, string> = {
  "docker-container": "a Docker plugin (block type docker-container)",
  "kubernetes-job": "a Kubernetes plugin (block type kubernetes-job)",
};

export async function agentInfrastructure(
  api: WorkerApi,
  registry: BlockRegistry,
  run: ClaimedRun,
  giveUp: () => boolean,
): Promise<RunInfrastructureSpec> {
  const { flowRun } = await api.untilDone(() => api.call(AgentRunInfrastructureDocument, { id: run.id }), giveUp);
  const ref = flowRun?.deployment?.infrastructureDocument ?? null;
  let type = DEFAULT_AGENT_INFRASTRUCTURE;
  let data: Record<string, unknown> = {};
  let what = `the default ${DEFAULT_AGENT_INFRASTRUCTURE} block`;
  if (ref) {
    const { blockDocument } = await api.untilDone(
      () => api.call(ExecutorBlockDocumentDocument, { id: ref.id }),
      giveUp,
    );
    if (!blockDocument)
      throw new RunConfigurationError(`its deployment's infrastructure block ${ref.slug} no longer exists`);
    type = blockDocument.blockType.slug;
    data = isObject(blockDocument.data) ? blockDocument.data : {};
    what = `infrastructure block ${blockDocument.slug}`;
  }
  if (!registry.has(type)) {
    const provider = KNOWN_PROVIDERS[type] ?? `a plugin providing block type ${type}`;
    throw new RunConfigurationError(
      `${what} has type "${type}", which no plugin loaded by this agent provides: install ${provider} where the agent runs (ORDO_PLUGINS)`,
    );
  }
  if (!registry.get(type).capabilities.includes("run-infrastructure"))
    throw new RunConfigurationError(
      `${what} has type "${type}", which cannot run flow runs (no run-infrastructure capability)`,
    );
  // claimed from an agent pool (no job template), the job configuration is the merged job variables
  const overrides = isObject(run.jobConfiguration) ? run.jobConfiguration : {};
  const config = mergeDeep(data as never, overrides as never) as Record<string, unknown>;
  const issues = registry.validate(type, config);
  if (issues.length) {
    const problems = issues.map((i) => `${i.path || "/"} ${i.message}`).join("; ");
    const blame = Object.keys(overrides).length
      ? ` with the deployment's and run's overrides ${JSON.stringify(overrides)}`
      : "";
    throw new RunConfigurationError(`${what}${blame} is not a valid ${type} configuration: ${problems}`);
  }
  return { type, config };
}
