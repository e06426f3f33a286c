// What flow authors import as "ordo": flow(), the run logger and context, and serve().
//
//   import { flow, getRunLogger, serve, toDeployment } from "ordo";
//   export const etl = flow({ name: "etl", retries: 2 }, async ({ day }: { day: string }) => { … });
//
// A deployment's entrypoint is `path/to/file.ts:exportName`; the executor calls the export with the
// run's parameters as one object (the deployment's parameters merged with the run's).
export { toDeployment, type DeploymentOptions, type FlowDeployment } from "./deployment.js";
export {
  flow,
  isFlow,
  type Flow,
  type FlowDescriptor,
  type FlowFunction,
  type FlowOptions,
  type JsonSchema,
} from "./flow.js";
export { getRunLogger, LOG_LEVELS, type RunLogger } from "./logger.js";
export { getRunContext, type RunContext } from "./runtime.js";
export { serve, type ServeOptions } from "./serve.js";
