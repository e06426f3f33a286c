// The domain services the GraphQL layer calls for every write.
import type { BlockDocumentService } from "./blocks/block-document.service.js";
import type { DeploymentService } from "./deployments/deployment.service.js";
import type { FlowRunService } from "./flow-runs/flow-run.service.js";
import type { RunLeaseService } from "./flow-runs/run-lease.service.js";
import type { LogService } from "./logs/log.service.js";
import type { SchedulingService } from "./scheduling/scheduling.service.js";
import type { ClaimService } from "./work-pools/claim.service.js";
import type { WorkPoolService } from "./work-pools/work-pool.service.js";

export interface DomainServices {
  deployments: DeploymentService;
  flowRuns: FlowRunService;
  logs: LogService;
  scheduling: SchedulingService;
  blocks: BlockDocumentService;
  workPools: WorkPoolService;
  claims: ClaimService;
  leases: RunLeaseService;
}
