// The domain services the GraphQL layer calls for every write.
import type { DeploymentService } from "./deployments/deployment.service.js";
import type { FlowRunService } from "./flow-runs/flow-run.service.js";
import type { LogService } from "./logs/log.service.js";

export interface DomainServices {
  deployments: DeploymentService;
  flowRuns: FlowRunService;
  logs: LogService;
}
