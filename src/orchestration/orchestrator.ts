// The only code that changes a flow run's state (DESIGN invariant 1): locks the run, runs the
// proposal through the policy's rules, writes the resulting state and the run's bookkeeping — all
// inside the caller's transaction. Callers publish the change after commit.
import { inject, injectable } from "tsyringe";
import type { Database, Tx } from "../db/prisma-client.js";
import { lockFlowRun } from "../db/transaction.js";
import { CLOCK, DATABASE, type Clock } from "../tokens.js";
import { bookkeeping, nextStateTimestamp } from "./bookkeeping.js";
import { CORE_POLICY, FORCE_POLICY, evaluatePolicy } from "./policies.js";
import type { RunSnapshot, TransitionContext } from "./rule.js";
import { defaultStateName, type RunPolicy, type StateDetails, type StateType, type StateValue } from "./states.js";

export interface Proposal {
  type: StateType;
  name?: string | null;
  message?: string | null;
  scheduledTime?: Date | null;
  data?: unknown;
  details?: StateDetails | null;
}

export type OrchestrationStatus = "ACCEPT" | "REJECT" | "WAIT" | "ABORT";

export interface TransitionResult {
  status: OrchestrationStatus;
  reason: string | null;
  delaySeconds: number | null;
  /** the run's state after the call: the written state, or the unchanged current one */
  stateId: string | null;
  /** a state was written (ACCEPT, or REJECT with a substituted state) */
  written: boolean;
  previousStateType: StateType | null;
  stateType: StateType | null;
  run: { id: string; flowId: string; deploymentId: string | null; workQueueId: string | null; workPoolName: string | null };
}

export class FlowRunNotFound extends Error {}

@injectable()
export class Orchestrator {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * `now` defaults to the clock read after the run is locked: a transition that waited for the
   * lock must not be stamped earlier than the one it waited for.
   */
  async transition(tx: Tx, runId: string, proposal: Proposal, options: { force?: boolean; now?: Date } = {}): Promise<TransitionResult> {
    if (!(await lockFlowRun(this.db, tx, runId))) throw new FlowRunNotFound(runId);
    const opts = { force: options.force ?? false, now: options.now ?? this.clock.now() };
    const run = await tx.flowRun.findUniqueOrThrow({
      where: { id: runId },
      include: { state: true, workQueue: { select: { workPool: { select: { name: true } } } } },
    });
    const current = run.state ? toStateValue(run.state) : null;
    const policy = (run.empiricalPolicy ?? {}) as RunPolicy;
    const snapshot: RunSnapshot = {
      id: run.id,
      deploymentId: run.deploymentId,
      infrastructurePid: run.infrastructurePid,
      runCount: run.runCount,
      policy,
    };
    const ctx: TransitionContext = {
      run: snapshot,
      current,
      proposed: {
        type: proposal.type,
        name: proposal.name?.trim() || defaultStateName(proposal.type),
        message: proposal.message ?? null,
        // Prefect: a SCHEDULED state without a time is scheduled for now
        scheduledTime: proposal.scheduledTime ?? (proposal.type === "SCHEDULED" ? opts.now : null),
        data: proposal.data ?? null,
        details: { ...(proposal.details ?? {}) },
      },
      now: opts.now,
      policyPatch: {},
    };
    const outcome = evaluatePolicy(opts.force ? FORCE_POLICY : CORE_POLICY, ctx);
    const base = {
      previousStateType: current?.type ?? null,
      run: {
        id: run.id,
        flowId: run.flowId,
        deploymentId: run.deploymentId,
        workQueueId: run.workQueueId,
        // carried for the event published after commit (subscriptions filter by pool)
        workPoolName: run.workQueue?.workPool.name ?? null,
      },
    };
    const toWrite = outcome === undefined ? ctx.proposed : outcome.status === "REJECT" ? outcome.state : null;
    if (!toWrite) {
      return {
        ...base,
        status: outcome!.status,
        reason: outcome!.reason,
        delaySeconds: outcome!.status === "WAIT" ? outcome!.delaySeconds : null,
        stateId: run.stateId,
        written: false,
        stateType: current?.type ?? null,
      };
    }
    const timestamp = nextStateTimestamp(opts.now, current);
    const state = await tx.flowRunState.create({
      data: {
        flowRunId: run.id,
        type: toWrite.type,
        name: toWrite.name,
        timestamp,
        message: toWrite.message ?? null,
        scheduledTime: toWrite.scheduledTime ?? null,
        data: (toWrite.data ?? undefined) as never,
        details: toWrite.details as never,
      },
    });
    const patch = bookkeeping(
      { startTime: run.startTime, endTime: run.endTime, expectedStartTime: run.expectedStartTime, totalRunTime: run.totalRunTime, runCount: run.runCount },
      current,
      { ...toWrite, timestamp },
      { ...policy, ...ctx.policyPatch },
    );
    const { policy: nextPolicy, ...columns } = patch;
    await tx.flowRun.update({
      where: { id: run.id },
      data: { ...columns, empiricalPolicy: nextPolicy as never, stateId: state.id },
    });
    return {
      ...base,
      status: outcome === undefined ? "ACCEPT" : "REJECT",
      reason: outcome?.reason ?? null,
      delaySeconds: null,
      stateId: state.id,
      written: true,
      stateType: toWrite.type,
    };
  }
}

function toStateValue(row: {
  type: string;
  name: string;
  message: string | null;
  scheduledTime: Date | null;
  data: unknown;
  details: unknown;
  timestamp: Date;
}): StateValue & { timestamp: Date } {
  return {
    type: row.type as StateType,
    name: row.name,
    message: row.message,
    scheduledTime: row.scheduledTime,
    data: row.data,
    details: (row.details ?? {}) as StateDetails,
    timestamp: row.timestamp,
  };
}
