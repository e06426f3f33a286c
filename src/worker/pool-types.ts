// The server's names for agent pools (domain/work-pools/work-pool-defaults.ts), for the worker and
// the CLI, which may not import the domain: light, so `ordo deployment apply` can load it cheaply.

/** A pool whose runs use their deployments' own infrastructure blocks (run by `ordo agent start`). */
export const AGENT_POOL_TYPE = "agent";
/** Where deployments that name only a work queue go. */
export const DEFAULT_AGENT_POOL = "default-agent-pool";
