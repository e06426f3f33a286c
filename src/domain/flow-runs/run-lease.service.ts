// Runs whose infrastructure went away: a PENDING or RUNNING run not heartbeated within the lease
// becomes CRASHED, and a CANCELLING run nobody finished within the timeout is forced CANCELLED —
// both through the orchestrator, published like any other change.
import { inject, injectable } from "tsyringe";
import type { OrdoConfig } from "../../config.js";
import type { Database } from "../../db/prisma-client.js";
import { inTransaction } from "../../db/transaction.js";
import { Orchestrator, type Proposal } from "../../orchestration/orchestrator.js";
import { CLOCK, CONFIG, DATABASE, type Clock } from "../../tokens.js";
import { RunEvents } from "./run-events.js";

const BATCH = 200;

@injectable()
export class RunLeaseService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: OrdoConfig,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(RunEvents) private readonly runEvents: RunEvents,
  ) {}

  /**
   * Silent since the cutoff: the last heartbeat, or the state's start when it never beat.
   * `listeningSince` is when this server began hearing heartbeats: those sent while it was down
   * were lost, not missed, so no run is judged before a whole lease has passed since then.
   */
  async crashAbandonedRuns(opts: { listeningSince?: Date } = {}): Promise<number> {
    const { runLeaseSeconds } = this.config.services.leases;
    const cutoff = new Date(this.clock.now().getTime() - runLeaseSeconds * 1000);
    if (opts.listeningSince && opts.listeningSince > cutoff) return 0;
    const runs = await this.db.client.flowRun.findMany({
      where: {
        stateType: { in: ["PENDING", "RUNNING"] },
        OR: [{ lastHeartbeat: { lt: cutoff } }, { lastHeartbeat: null, stateTimestamp: { lt: cutoff } }],
      },
      take: BATCH,
      select: { id: true },
    });
    const message = `No heartbeat from the run's worker or executor for ${runLeaseSeconds} s: its infrastructure is presumed gone.`;
    return this.propose(runs, { type: "CRASHED", message });
  }

  async timeOutCancelling(): Promise<number> {
    const { cancellingTimeoutSeconds } = this.config.services.leases;
    const cutoff = new Date(this.clock.now().getTime() - cancellingTimeoutSeconds * 1000);
    const runs = await this.db.client.flowRun.findMany({
      where: { stateType: "CANCELLING", stateTimestamp: { lt: cutoff } },
      take: BATCH,
      select: { id: true },
    });
    return this.propose(runs, {
      type: "CANCELLED",
      message: `Still cancelling after ${cancellingTimeoutSeconds} s: forced to Cancelled.`,
    });
  }

  private async propose(runs: Array<{ id: string }>, proposal: Proposal): Promise<number> {
    let written = 0;
    for (const run of runs) {
      // re-checked under the run's lock by the orchestrator: a run that just finished is left alone
      const t = await inTransaction(this.db, (tx) => this.orchestrator.transition(tx, run.id, proposal));
      if (t.written) {
        written++;
        this.runEvents.transition(t);
      }
    }
    return written;
  }
}
