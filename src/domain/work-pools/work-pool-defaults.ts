// Names and defaults shared by everything that creates work pools and queues implicitly.

/** Where a deployment that names only a work queue (the 2.x agent style) gets its queue. */
export const DEFAULT_AGENT_POOL = "default-agent-pool";
/** Runs in the agent pool use the deployment's own infrastructure block. */
export const AGENT_POOL_TYPE = "agent";
/** Type of a pool created because a deployment named it: local processes. */
export const IMPLICIT_POOL_TYPE = "process";
export const DEFAULT_QUEUE = "default";
