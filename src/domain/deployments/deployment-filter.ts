// DeploymentFilter → Prisma where (used by reads; all conditions are ANDed, text matched exactly).
import type { Prisma } from "../../generated/prisma/client.js";
import { containsText, hasTag } from "../text-filters.js";

export interface DeploymentFilter {
  nameContains?: string | null;
  flowName?: string | null;
  /** deployments having every one of these tags */
  tags?: string[] | null;
  paused?: boolean | null;
  workPoolName?: string | null;
  workQueueName?: string | null;
}

export function deploymentWhere(f: DeploymentFilter | null | undefined): Prisma.DeploymentWhereInput {
  if (!f) return {};
  const and: Prisma.DeploymentWhereInput[] = [];
  if (f.nameContains) and.push({ name: containsText(f.nameContains) });
  if (f.flowName) and.push({ flow: { name: f.flowName } });
  for (const t of f.tags ?? []) and.push({ tagsKey: hasTag(t) });
  if (f.paused != null) and.push({ paused: f.paused });
  if (f.workPoolName) and.push({ workQueue: { workPool: { name: f.workPoolName } } });
  if (f.workQueueName) and.push({ workQueueName: f.workQueueName });
  return { AND: and };
}
