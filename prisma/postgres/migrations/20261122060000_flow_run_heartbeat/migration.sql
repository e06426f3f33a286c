-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "lastHeartbeat" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "FlowRun_stateType_lastHeartbeat_idx" ON "FlowRun"("stateType", "lastHeartbeat");

