-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN "scheduleKey" TEXT;

-- CreateIndex
CREATE INDEX "FlowRun_deploymentId_scheduleKey_stateType_nextScheduledStartTime_idx" ON "FlowRun"("deploymentId", "scheduleKey", "stateType", "nextScheduledStartTime");

