// One claimed run from claim to final report: builds its infrastructure block (a worker's: the
// pool's type with the run's job configuration; an agent's: the deployment's own block), starts the job, records its id, kills it on cancellation or shutdown,
// and reports CANCELLED or CRASHED when the job ended without the executor reporting.
import type { DependencyContainer } from "tsyringe";
import {
  InfrastructureNotFoundError,
  type BlockRegistry,
  type InfrastructureJob,
  type InfrastructureResult,
  type RunInfrastructure,
} from "../blocks/index.js";
import {
  WorkerFlowRunStateDocument,
  WorkerProposeStateDocument,
  WorkerSetFlowRunInfrastructureDocument,
  type StateType,
} from "../client/generated/graphql.js";
import type { WorkerApi } from "./api.js";
import { describeError, type WorkerLog } from "./log.js";

export interface ClaimedRun {
  id: string;
  name: string;
  jobConfiguration: unknown;
}

/** The block a run's job is started on: its type's slug and its (validated by createInstance) data. */
export interface RunInfrastructureSpec {
  type: string;
  config: Record<string, unknown>;
}

/** The run's infrastructure cannot be configured (a bad override, a missing block type): the run FAILS, the worker goes on. */
export class RunConfigurationError extends Error {
  override name = "RunConfigurationError";
}

export interface RunContext {
  api: WorkerApi;
  registry: BlockRegistry;
  /** holds what blocks inject (LOGGER) */
  container: DependencyContainer;
  /** which block, with which data, runs this run's job */
  infrastructure(run: ClaimedRun): Promise<RunInfrastructureSpec>;
  log: WorkerLog;
  killGraceSeconds: number;
  /** what runs a flow run when the job configuration names no command: `ordo flow-run execute <id>` */
  executorCommand(runId: string): string[];
  /** true once the worker is exiting and stops retrying reports */
  giveUp(): boolean;
}

const ACTIVE: readonly StateType[] = ["PENDING", "RUNNING"];

/** Why the worker is stopping the job: a cancellation to report, one the server already settled, or its own exit. */
type Ending = "cancel" | "cancelled" | "shutdown" | null;

export class RunSupervisor {
  private infrastructureId: string | null = null;
  private ending: Ending = null;
  private exited = false;
  private killing: Promise<void> | null = null;
  private block: RunInfrastructure | null = null;
  private readonly abort = new AbortController();

  constructor(
    readonly run: ClaimedRun,
    private readonly ctx: RunContext,
  ) {}

  /** Resolves when the run's job is over and its outcome reported (or given up on at exit). */
  async supervise(): Promise<void> {
    let result: InfrastructureResult;
    try {
      const spec = await this.ctx.infrastructure(this.run);
      this.block = this.ctx.registry.createInstance<RunInfrastructure>(spec.type, spec.config, this.ctx.container);
      this.ctx.log.info(`${this.run.name}: starting on ${spec.type} infrastructure (run ${this.run.id})`);
      result = await this.block.run(this.job(spec.config));
    } catch (e) {
      this.exited = true;
      if (this.ending === "cancel") return this.report("CANCELLED", "cancelled before its infrastructure started");
      if (this.ending === "cancelled") return;
      if (e instanceof RunConfigurationError) {
        // the run's own configuration is wrong: retrying on this worker would fail the same way
        this.ctx.log.error(`${this.run.name}: cannot configure its infrastructure: ${e.message}`);
        return this.report("FAILED", `cannot configure its infrastructure: ${e.message}`);
      }
      this.ctx.log.error(`${this.run.name}: could not start its infrastructure: ${describeError(e)}`);
      return this.report("CRASHED", `the worker could not start its infrastructure: ${describeError(e)}`);
    }
    this.exited = true;
    await this.killing;
    await this.afterExit(result);
  }

  /** A state seen in a heartbeat answer or an event. */
  observe(stateType: StateType): void {
    if (stateType === "CANCELLING" && this.ending !== "cancel" && this.ending !== "cancelled") {
      this.ctx.log.info(`${this.run.name}: cancellation requested, stopping its infrastructure`);
      this.ending = "cancel";
      this.kill();
    } else if (stateType === "CANCELLED" && this.ending !== "cancel" && this.ending !== "cancelled" && !this.exited) {
      // cancelled before its pid was recorded, or the server's cancellation timeout: nothing left
      // to report, but the job must go
      this.ctx.log.warn(`${this.run.name}: already CANCELLED on the server, stopping its infrastructure`);
      this.ending = "cancelled";
      this.kill();
    }
  }

  /** The worker is exiting and cannot wait any longer: kill the job, report CRASHED. */
  shutdown(): void {
    if (this.ending) return;
    this.ending = "shutdown";
    this.kill();
  }

  private job(config: Record<string, unknown>): InfrastructureJob {
    const named = isStringArray(config.command) && config.command.length > 0 ? config.command : null;
    return {
      command: named ?? this.ctx.executorCommand(this.run.id),
      defaultCommand: named === null,
      // the worker's settings win: the job must talk to this server about this run
      env: {
        ...stringMap(config.env),
        ORDO_API_URL: this.ctx.api.url,
        ...(this.ctx.api.apiKey ? { ORDO_API_KEY: this.ctx.api.apiKey } : {}),
        ORDO_FLOW_RUN_ID: this.run.id,
      },
      workingDir: typeof config.workingDir === "string" ? config.workingDir : undefined,
      labels: { ...stringMap(config.labels), "ordo.flow-run-id": this.run.id },
      onStart: (id) => this.started(id),
      onOutput: (_stream, line) => this.ctx.log.output(this.run.name, line),
      signal: this.abort.signal,
    };
  }

  private started(id: string): void {
    this.infrastructureId = id;
    this.ctx.log.info(`${this.run.name}: infrastructure ${id} started`);
    // a cancellation that came in while it was starting
    if (this.ending) this.kill();
    void this.ctx.api
      .untilDone(
        () =>
          this.ctx.api.call(WorkerSetFlowRunInfrastructureDocument, { flowRunId: this.run.id, infrastructurePid: id }),
        () => this.exited || this.ctx.giveUp(),
      )
      .catch((e) => this.ctx.log.warn(`${this.run.name}: could not record infrastructure ${id}: ${describeError(e)}`));
  }

  private kill(): void {
    if (this.exited || this.killing) return;
    if (this.infrastructureId === null) {
      // not started yet (or a block that never says): the block stops it through the signal
      this.abort.abort();
      return;
    }
    const id = this.infrastructureId;
    this.killing = this.block!.kill(id, this.ctx.killGraceSeconds).catch((e) => {
      if (!(e instanceof InfrastructureNotFoundError))
        this.ctx.log.error(`${this.run.name}: could not kill ${id}: ${describeError(e)}`);
    });
  }

  private async afterExit(result: InfrastructureResult): Promise<void> {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
    this.ctx.log.info(`${this.run.name}: infrastructure ${how}`);
    if (this.ending === "cancel") return this.report("CANCELLED", "cancelled: the worker stopped its infrastructure");
    if (this.ending === "cancelled") return;
    let state: StateType | undefined;
    try {
      const { flowRun } = await this.ctx.api.untilDone(
        () => this.ctx.api.call(WorkerFlowRunStateDocument, { id: this.run.id }),
        this.ctx.giveUp,
      );
      state = flowRun?.stateType;
    } catch (e) {
      this.ctx.log.warn(
        `${this.run.name}: could not read its state after exit (${describeError(e)}); the server's lease will settle it`,
      );
      return;
    }
    if (state === "CANCELLING") return this.report("CANCELLED", `cancelled: its infrastructure ${how}`);
    if (!state || !ACTIVE.includes(state)) return; // the executor reported (COMPLETED, FAILED…)
    if (this.ending === "shutdown") return this.report("CRASHED", "worker shut down before the run finished");
    return this.report("CRASHED", `flow run infrastructure ${how} without reporting a final state`);
  }

  private async report(type: "CRASHED" | "CANCELLED" | "FAILED", message: string): Promise<void> {
    try {
      const { setFlowRunState: r } = await this.ctx.api.untilDone(
        () =>
          this.ctx.api.call(WorkerProposeStateDocument, {
            input: { flowRunId: this.run.id, state: { type, message } },
          }),
        this.ctx.giveUp,
      );
      const outcome =
        r.status === "ACCEPT" ? type : `${r.status} (now ${r.state?.type ?? "?"}${r.reason ? `: ${r.reason}` : ""})`;
      this.ctx.log.info(`${this.run.name}: ${type} proposed → ${outcome}`);
    } catch (e) {
      this.ctx.log.warn(
        `${this.run.name}: could not report ${type} (${describeError(e)}); the server's lease will settle it`,
      );
    }
  }
}

/** A JSON object (what a job configuration or a block's data must be to be used). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function stringMap(v: unknown): Record<string, string> {
  return isObject(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {};
}
