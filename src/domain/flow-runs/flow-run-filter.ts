// FlowRunFilter → Prisma where (used by reads; all conditions are ANDed, tags matched exactly).
import type { Prisma } from "../../generated/prisma/client.js";
import type { StateType } from "../../orchestration/states.js";
import { hasTag } from "../text-filters.js";

export interface FlowRunFilter {
  deploymentId?: string | null;
  flowId?: string | null;
  stateTypes?: StateType[] | null;
  /** runs having every one of these tags */
  tags?: string[] | null;
  workPoolName?: string | null;
  autoScheduled?: boolean | null;
  expectedStartAfter?: Date | null;
  expectedStartBefore?: Date | null;
}

export function flowRunWhere(f: FlowRunFilter | null | undefined): Prisma.FlowRunWhereInput {
  if (!f) return {};
  const and: Prisma.FlowRunWhereInput[] = [];
  if (f.deploymentId) and.push({ deploymentId: f.deploymentId });
  if (f.flowId) and.push({ flowId: f.flowId });
  if (f.stateTypes?.length) and.push({ stateType: { in: f.stateTypes } });
  for (const t of f.tags ?? []) and.push({ tagsKey: hasTag(t) });
  if (f.workPoolName) and.push({ workQueue: { workPool: { name: f.workPoolName } } });
  if (f.autoScheduled != null) and.push({ autoScheduled: f.autoScheduled });
  if (f.expectedStartAfter) and.push({ expectedStartTime: { gte: f.expectedStartAfter } });
  if (f.expectedStartBefore) and.push({ expectedStartTime: { lte: f.expectedStartBefore } });
  return { AND: and };
}
