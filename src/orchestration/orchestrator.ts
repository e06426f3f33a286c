// The only code that changes a flow run's state (DESIGN invariant 1): locks the run, runs the
// proposal through the policy's rules, writes the resulting state and the run's bookkeeping — all
// inside the caller's transaction. Callers publish the change after commit.
import { randomUUID } from "node:crypto";
import { inject, injectable } from "tsyringe";
import type { Database, Tx } from "../db/prisma-client.js";
import { insertRunWithState, type NewRun } from "../db/flow-run-inserts.js";
import {
  afterWrite,
  lockAndReadRun,
  writeRunStates,
  type LockedRun,
  type RunStateWrite,
  type StoredState,
} from "../db/run-transitions.js";
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
  run: {
    id: string;
    flowId: string;
    deploymentId: string | null;
    workQueueId: string | null;
    workPoolName: string | null;
  };
}

export interface TransitionOptions {
  /** skip the rules (not the bookkeeping) */
  force?: boolean;
  now?: Date;
}

export class FlowRunNotFound extends Error {}

@injectable()
export class Orchestrator {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Locks the run, then proposes. `now` defaults to the clock read after the run is locked: a
   * transition that waited for the lock must not be stamped earlier than the one it waited for.
   */
  async transition(
    tx: Tx,
    runId: string,
    proposal: Proposal,
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    const run = await lockAndReadRun(this.db, tx, runId);
    if (!run) throw new FlowRunNotFound(runId);
    return (await this.transitionLocked(tx, [run], proposal, options))[0]!;
  }

  /**
   * The same proposal for runs whose rows this transaction has already locked (a claim's SELECT …
   * FOR UPDATE SKIP LOCKED) and read after locking. Each run goes through the policy on its own;
   * the written states go out together.
   */
  async transitionLocked(
    tx: Tx,
    runs: readonly LockedRun[],
    proposal: Proposal,
    options: TransitionOptions = {},
  ): Promise<TransitionResult[]> {
    return (
      await this.transitionLockedEach(
        tx,
        runs.map((run) => ({ run, proposals: [proposal] })),
        options,
      )
    ).map((r) => r[0]!);
  }

  /**
   * Proposals for runs this transaction has already locked, each run with its own list of
   * proposals made one after another: a later one only after the earlier was accepted, and
   * evaluated against the run as that one left it — exactly what a separate proposal would read
   * once the earlier committed, since the run stays locked in between. Every run goes through
   * the policy on its own; all written states go out together. Per run: one result for each
   * proposal made.
   */
  async transitionLockedEach(
    tx: Tx,
    items: ReadonlyArray<{ run: LockedRun; proposals: readonly Proposal[]; force?: boolean }>,
    options: TransitionOptions = {},
  ): Promise<TransitionResult[][]> {
    const now = options.now ?? this.clock.now();
    const writes: RunStateWrite[] = [];
    const results = items.map(({ run, proposals, force }) => {
      const out: TransitionResult[] = [];
      let current = run;
      for (const proposal of proposals) {
        const { result, write } = this.evaluate(current, proposal, now, force ?? options.force ?? false);
        out.push(result);
        if (write) {
          writes.push(write);
          current = afterWrite(current, write);
        }
        if (result.status !== "ACCEPT") break;
      }
      return out;
    });
    await writeRunStates(this.db, tx, writes);
    return results;
  }

  /**
   * A run this transaction is creating, with its first state: the proposal goes through the
   * policy like any other (callers force it: bookkeeping only), and the run row is inserted
   * together with the state.
   */
  async insertRun(
    tx: Tx,
    run: NewRun,
    workPoolName: string | null,
    proposal: Proposal,
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    const row: LockedRun = {
      ...run,
      workPoolName,
      infrastructurePid: null,
      runCount: 0,
      totalRunTime: 0,
      startTime: null,
      endTime: null,
      expectedStartTime: null,
      stateId: null,
      state: null,
    };
    const { result, write } = this.evaluate(row, proposal, options.now ?? this.clock.now(), options.force ?? false);
    // a run never exists without a state (FlowRun.state is non-null in the API)
    if (!write) throw new Error(`The first state of run ${run.id} was refused: ${result.reason}`);
    await insertRunWithState(this.db, tx, run, write);
    return result;
  }

  /** Runs one run through the policy; pure apart from the ids it draws. */
  private evaluate(
    run: LockedRun,
    proposal: Proposal,
    now: Date,
    force: boolean,
  ): { result: TransitionResult; write: RunStateWrite | null } {
    const policyRules = force ? FORCE_POLICY : CORE_POLICY;
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
        scheduledTime: proposal.scheduledTime ?? (proposal.type === "SCHEDULED" ? now : null),
        data: proposal.data ?? null,
        // a copy per run: rules may amend it
        details: { ...(proposal.details ?? {}) },
      },
      now,
      policyPatch: {},
    };
    const outcome = evaluatePolicy(policyRules, ctx);
    const base = {
      previousStateType: current?.type ?? null,
      run: {
        id: run.id,
        flowId: run.flowId,
        deploymentId: run.deploymentId,
        workQueueId: run.workQueueId,
        workPoolName: run.workPoolName,
      },
    };
    const toWrite = outcome === undefined ? ctx.proposed : outcome.status === "REJECT" ? outcome.state : null;
    if (!toWrite) {
      const result: TransitionResult = {
        ...base,
        status: outcome!.status,
        reason: outcome!.reason,
        delaySeconds: outcome!.status === "WAIT" ? outcome!.delaySeconds : null,
        stateId: run.stateId,
        written: false,
        stateType: current?.type ?? null,
      };
      return { result, write: null };
    }
    const timestamp = nextStateTimestamp(now, current);
    const patch = bookkeeping(
      {
        startTime: run.startTime,
        endTime: run.endTime,
        expectedStartTime: run.expectedStartTime,
        totalRunTime: run.totalRunTime,
        runCount: run.runCount,
      },
      current,
      { ...toWrite, timestamp },
      { ...policy, ...ctx.policyPatch },
    );
    const { policy: empiricalPolicy, ...columns } = patch;
    const stateId = randomUUID();
    const write: RunStateWrite = {
      runId: run.id,
      at: now,
      state: {
        id: stateId,
        type: toWrite.type,
        name: toWrite.name,
        timestamp,
        message: toWrite.message ?? null,
        scheduledTime: toWrite.scheduledTime ?? null,
        data: toWrite.data ?? null,
        details: toWrite.details,
      },
      columns: { ...columns, empiricalPolicy },
    };
    const result: TransitionResult = {
      ...base,
      status: outcome === undefined ? "ACCEPT" : "REJECT",
      reason: outcome?.reason ?? null,
      delaySeconds: null,
      stateId,
      written: true,
      stateType: toWrite.type,
    };
    return { result, write };
  }
}

function toStateValue(row: StoredState): StateValue & { timestamp: Date } {
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
