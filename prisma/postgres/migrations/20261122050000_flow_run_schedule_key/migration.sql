-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "scheduleKey" TEXT;

-- CreateIndex
CREATE INDEX "FlowRun_deploymentId_scheduleKey_stateType_nextScheduledSta_idx" ON "FlowRun"("deploymentId", "scheduleKey", "stateType", "nextScheduledStartTime");

