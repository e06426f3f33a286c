-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN "lastHeartbeat" DATETIME;

-- CreateIndex
CREATE INDEX "FlowRun_stateType_lastHeartbeat_idx" ON "FlowRun"("stateType", "lastHeartbeat");

