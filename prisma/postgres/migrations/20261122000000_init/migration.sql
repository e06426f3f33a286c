-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Flow" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Flow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT,
    "description" TEXT,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "parameterOpenapiSchema" JSONB,
    "enforceParameterSchema" BOOLEAN NOT NULL DEFAULT true,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "tagsKey" TEXT NOT NULL DEFAULT '|',
    "path" TEXT,
    "entrypoint" TEXT,
    "pullSteps" JSONB,
    "jobVariables" JSONB NOT NULL DEFAULT '{}',
    "workQueueId" TEXT,
    "workQueueName" TEXT,
    "storageDocumentId" TEXT,
    "storagePath" TEXT,
    "infrastructureDocumentId" TEXT,
    "concurrencyLimit" INTEGER,
    "collisionStrategy" TEXT NOT NULL DEFAULT 'ENQUEUE',
    "scheduleChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeploymentSchedule" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "slug" TEXT,
    "scheduleKey" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "schedule" JSONB NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "position" INTEGER NOT NULL DEFAULT 0,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeploymentSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowRun" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "deploymentId" TEXT,
    "deploymentVersion" TEXT,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "jobVariables" JSONB NOT NULL DEFAULT '{}',
    "tags" JSONB NOT NULL DEFAULT '[]',
    "tagsKey" TEXT NOT NULL DEFAULT '|',
    "idempotencyKey" TEXT,
    "autoScheduled" BOOLEAN NOT NULL DEFAULT false,
    "empiricalPolicy" JSONB NOT NULL DEFAULT '{}',
    "stateId" TEXT,
    "stateType" TEXT NOT NULL DEFAULT 'SCHEDULED',
    "stateName" TEXT NOT NULL DEFAULT 'Scheduled',
    "stateTimestamp" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expectedStartTime" TIMESTAMP(3),
    "nextScheduledStartTime" TIMESTAMP(3),
    "startTime" TIMESTAMP(3),
    "endTime" TIMESTAMP(3),
    "totalRunTime" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "runCount" INTEGER NOT NULL DEFAULT 0,
    "workQueueId" TEXT,
    "workQueueName" TEXT,
    "infrastructurePid" TEXT,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowRunState" (
    "id" TEXT NOT NULL,
    "flowRunId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "message" TEXT,
    "scheduledTime" TIMESTAMP(3),
    "data" JSONB,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "FlowRunState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkPool" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "description" TEXT,
    "baseJobTemplate" JSONB NOT NULL DEFAULT '{}',
    "isPaused" BOOLEAN NOT NULL DEFAULT false,
    "concurrencyLimit" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'NOT_READY',
    "defaultQueueId" TEXT,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkPool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkQueue" (
    "id" TEXT NOT NULL,
    "workPoolId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priority" INTEGER NOT NULL DEFAULT 1,
    "concurrencyLimit" INTEGER,
    "isPaused" BOOLEAN NOT NULL DEFAULT false,
    "lastPolled" TIMESTAMP(3),
    "filterTags" JSONB,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkQueue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "workPoolId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "lastHeartbeatTime" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatIntervalSeconds" INTEGER,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Log" (
    "id" TEXT NOT NULL,
    "flowRunId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BlockType" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "documentationUrl" TEXT,
    "logoUrl" TEXT,
    "isProtected" BOOLEAN NOT NULL DEFAULT false,
    "plugin" TEXT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BlockType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BlockSchema" (
    "id" TEXT NOT NULL,
    "blockTypeId" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "capabilities" JSONB NOT NULL DEFAULT '[]',
    "secretFields" JSONB NOT NULL DEFAULT '[]',
    "version" TEXT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BlockSchema_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BlockDocument" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isAnonymous" BOOLEAN NOT NULL DEFAULT false,
    "blockTypeId" TEXT NOT NULL,
    "blockSchemaId" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BlockDocument_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Flow_name_key" ON "Flow"("name");

-- CreateIndex
CREATE INDEX "Deployment_workQueueId_idx" ON "Deployment"("workQueueId");

-- CreateIndex
CREATE INDEX "Deployment_paused_idx" ON "Deployment"("paused");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_flowId_name_key" ON "Deployment"("flowId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentSchedule_deploymentId_slug_key" ON "DeploymentSchedule"("deploymentId", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentSchedule_deploymentId_scheduleKey_key" ON "DeploymentSchedule"("deploymentId", "scheduleKey");

-- CreateIndex
CREATE UNIQUE INDEX "FlowRun_stateId_key" ON "FlowRun"("stateId");

-- CreateIndex
CREATE INDEX "FlowRun_deploymentId_autoScheduled_stateType_idx" ON "FlowRun"("deploymentId", "autoScheduled", "stateType");

-- CreateIndex
CREATE INDEX "FlowRun_stateType_nextScheduledStartTime_idx" ON "FlowRun"("stateType", "nextScheduledStartTime");

-- CreateIndex
CREATE INDEX "FlowRun_workQueueId_stateType_idx" ON "FlowRun"("workQueueId", "stateType");

-- CreateIndex
CREATE INDEX "FlowRun_expectedStartTime_idx" ON "FlowRun"("expectedStartTime");

-- CreateIndex
CREATE UNIQUE INDEX "FlowRun_flowId_idempotencyKey_key" ON "FlowRun"("flowId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "FlowRunState_flowRunId_timestamp_key" ON "FlowRunState"("flowRunId", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "WorkPool_name_key" ON "WorkPool"("name");

-- CreateIndex
CREATE UNIQUE INDEX "WorkPool_defaultQueueId_key" ON "WorkPool"("defaultQueueId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkQueue_workPoolId_name_key" ON "WorkQueue"("workPoolId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Worker_workPoolId_name_key" ON "Worker"("workPoolId", "name");

-- CreateIndex
CREATE INDEX "Log_flowRunId_timestamp_idx" ON "Log"("flowRunId", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "BlockType_slug_key" ON "BlockType"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "BlockSchema_blockTypeId_checksum_key" ON "BlockSchema"("blockTypeId", "checksum");

-- CreateIndex
CREATE INDEX "BlockDocument_isAnonymous_idx" ON "BlockDocument"("isAnonymous");

-- CreateIndex
CREATE UNIQUE INDEX "BlockDocument_blockTypeId_name_key" ON "BlockDocument"("blockTypeId", "name");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_workQueueId_fkey" FOREIGN KEY ("workQueueId") REFERENCES "WorkQueue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_storageDocumentId_fkey" FOREIGN KEY ("storageDocumentId") REFERENCES "BlockDocument"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_infrastructureDocumentId_fkey" FOREIGN KEY ("infrastructureDocumentId") REFERENCES "BlockDocument"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentSchedule" ADD CONSTRAINT "DeploymentSchedule_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_stateId_fkey" FOREIGN KEY ("stateId") REFERENCES "FlowRunState"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_workQueueId_fkey" FOREIGN KEY ("workQueueId") REFERENCES "WorkQueue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowRunState" ADD CONSTRAINT "FlowRunState_flowRunId_fkey" FOREIGN KEY ("flowRunId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkPool" ADD CONSTRAINT "WorkPool_defaultQueueId_fkey" FOREIGN KEY ("defaultQueueId") REFERENCES "WorkQueue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkQueue" ADD CONSTRAINT "WorkQueue_workPoolId_fkey" FOREIGN KEY ("workPoolId") REFERENCES "WorkPool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Worker" ADD CONSTRAINT "Worker_workPoolId_fkey" FOREIGN KEY ("workPoolId") REFERENCES "WorkPool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Log" ADD CONSTRAINT "Log_flowRunId_fkey" FOREIGN KEY ("flowRunId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BlockSchema" ADD CONSTRAINT "BlockSchema_blockTypeId_fkey" FOREIGN KEY ("blockTypeId") REFERENCES "BlockType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BlockDocument" ADD CONSTRAINT "BlockDocument_blockTypeId_fkey" FOREIGN KEY ("blockTypeId") REFERENCES "BlockType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BlockDocument" ADD CONSTRAINT "BlockDocument_blockSchemaId_fkey" FOREIGN KEY ("blockSchemaId") REFERENCES "BlockSchema"("id") ON DELETE CASCADE ON UPDATE CASCADE;

