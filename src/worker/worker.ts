// The worker process (and the agent, its variant for `agent` pools: each run on its deployment's
// own infrastructure block): checks its pool, then heartbeats, claims up to its limit, supervises each
// claimed run (RunSupervisor), keeps the runs' leases alive, and shuts down gracefully.
import "reflect-metadata";
import os from "node:os";
import { blockHostContainer } from "../blocks/host-container.js";
import { loadPlugins, parsePluginList, type BlockRegistry } from "../blocks/index.js";
import {
  WorkerClaimFlowRunsDocument,
  WorkerFlowRunHeartbeatDocument,
  WorkerHeartbeatDocument,
  WorkerPoolDocument,
} from "../client/generated/graphql.js";
import { OrdoClient } from "../client/ordo-client.js";
import { ORDO_BIN } from "../installation.js";
import { isTransient, WorkerApi } from "./api.js";
import { consoleLog, describeError, prefixedLogger, type WorkerLog } from "./log.js";
import { watchPoolEvents, type PoolEvent } from "./pool-events.js";
import { agentInfrastructure } from "./agent-infrastructure.js";
import { AGENT_POOL_TYPE, DEFAULT_AGENT_POOL } from "./pool-types.js";
import { isObject, RunSupervisor, type ClaimedRun, type RunContext } from "./run-supervisor.js";
import { Alarm, backoffMs, sleep, waitFor } from "./timing.js";

export interface WorkerOptions {
  pool: string;
  /** empty: every queue of the pool, by priority */
  queues?: string[];
  /** most runs at once; null: no limit */
  limit?: number | null;
  name?: string;
  apiUrl?: string;
  pollSeconds?: number;
  heartbeatSeconds?: number;
  /** how often each run's lease is renewed; well under the server's lease (90 s by default) */
  runHeartbeatSeconds?: number;
  /** SIGTERM → SIGKILL when killing a run's infrastructure */
  killGraceSeconds?: number;
  /** how long a stopping worker waits for its runs before killing them */
  shutdownGraceSeconds?: number;
  /** false: no subscription, polling and run heartbeats only (networks that block WebSockets) */
  events?: boolean;
  /**
   * an agent (Prefect 2): takes runs from an `agent` pool and starts each on its deployment's own
   * infrastructure block with the deployment's overrides, instead of on the pool's type and template
   */
  agent?: boolean;
  /** third-party block plugin packages besides plugins/* and marked packages; default ORDO_PLUGINS, as the server */
  plugins?: string[];
  log?: WorkerLog;
}

/** A problem with what the worker was asked to do, which waiting will not fix. */
export class WorkerSetupError extends Error {
  override name = "WorkerSetupError";
}

/** Runs claimed per poll when the worker has no limit (the server's default batch). */
const UNLIMITED_BATCH = 10;

export class Worker {
  readonly name: string;
  private readonly o: Required<Omit<WorkerOptions, "log" | "name" | "apiUrl" | "plugins" | "agent">>;
  private readonly agent: boolean;
  private readonly plugins: string[];
  private readonly log: WorkerLog;
  private readonly api: WorkerApi;
  private readonly runs = new Map<string, RunSupervisor>();
  private readonly alarm = new Alarm();
  private readonly stopped = new AbortController();
  private hurried = false;
  private givingUp = false;

  constructor(options: WorkerOptions) {
    this.o = {
      pool: options.pool,
      queues: options.queues ?? [],
      limit: options.limit ?? null,
      pollSeconds: options.pollSeconds ?? 5,
      heartbeatSeconds: options.heartbeatSeconds ?? 10,
      runHeartbeatSeconds: options.runHeartbeatSeconds ?? 5,
      killGraceSeconds: options.killGraceSeconds ?? 10,
      shutdownGraceSeconds: options.shutdownGraceSeconds ?? 30,
      events: options.events ?? true,
    };
    this.plugins = options.plugins ?? parsePluginList(process.env.ORDO_PLUGINS);
    this.agent = options.agent ?? false;
    this.name = options.name ?? `${this.agent ? "agent" : "worker"}-${os.hostname()}-${process.pid}`;
    this.log = options.log ?? consoleLog();
    this.api = new WorkerApi(new OrdoClient(options.apiUrl), this.log);
  }

  get stopping(): boolean {
    return this.stopped.signal.aborted;
  }

  /** First call: stop claiming and let runs finish (up to the grace). Second call: stop waiting. */
  stop(): void {
    if (this.stopping) {
      this.hurried = true;
      return;
    }
    this.stopped.abort();
    this.alarm.wake();
  }

  /** Until stop() and the runs are settled; throws only on a setup problem (unknown pool, type without a plugin). */
  async run(): Promise<void> {
    const registry = await loadPlugins({ packages: this.plugins });
    const poolType = await this.checkPool(registry);
    if (poolType === null) return; // stopped before the server answered
    // docker → docker-container; a block type's slug (process) stands for itself
    const blockType = this.agent ? poolType : registry.infrastructureFor(poolType)!.slug;
    const blockLogger = prefixedLogger(this.log, this.agent ? "infrastructure block" : `${poolType} block`);
    const ctx: RunContext = {
      api: this.api,
      registry,
      container: blockHostContainer(blockLogger),
      infrastructure: this.agent
        ? (run) => agentInfrastructure(this.api, registry, run, () => this.givingUp || this.stopping)
        : async (run) => ({ type: blockType, config: isObject(run.jobConfiguration) ? run.jobConfiguration : {} }),
      log: this.log,
      killGraceSeconds: this.o.killGraceSeconds,
      executorCommand: (runId: string) => [process.execPath, ORDO_BIN, "flow-run", "execute", runId],
      giveUp: () => this.givingUp,
    };
    const limit = this.o.limit === null ? "no limit" : `limit ${this.o.limit}`;
    const queues = this.o.queues.length ? `queues ${this.o.queues.join(", ")}` : "all queues";
    const wake = this.o.events ? "woken by events" : "polling only";
    const what = this.agent ? "agent" : "worker";
    this.log.info(
      `${what} ${this.name} started: pool ${this.o.pool} (${poolType}), ${queues}, ${limit}, ${wake}, server ${this.api.url}`,
    );

    const timers = [
      this.every(this.o.heartbeatSeconds, () => this.heartbeat()),
      this.every(this.o.runHeartbeatSeconds, () => this.heartbeatRuns()),
    ];
    const events = this.o.events
      ? watchPoolEvents(this.api.url, this.o.pool, (e) => this.onEvent(e), this.stopped.signal)
      : null;
    try {
      await this.claimLoop((run) => new RunSupervisor(run, ctx));
      await this.drain();
    } finally {
      timers.forEach(clearInterval);
      await events;
    }
    this.log.info(`${this.agent ? "agent" : "worker"} ${this.name} stopped`);
  }

  /** The pool's block type, checked against the loaded plugins; waits out a server that is not up yet. */
  private async checkPool(registry: BlockRegistry): Promise<string | null> {
    for (let failures = 1; !this.stopping; failures++) {
      try {
        const { workPool } = await this.api.call(WorkerPoolDocument, { name: this.o.pool });
        if (!workPool) {
          const hint =
            this.agent && this.o.pool === DEFAULT_AGENT_POOL
              ? ` (it is created by the first deployment given a work queue and no pool: \`ordo deployment build … -q QUEUE\`)`
              : "";
          throw new WorkerSetupError(`no work pool named "${this.o.pool}"${hint}`);
        }
        if (this.agent) {
          if (workPool.type !== AGENT_POOL_TYPE) {
            throw new WorkerSetupError(
              `work pool "${this.o.pool}" has type "${workPool.type}": its runs use the pool's ${workPool.type} job template; start a worker for it (\`ordo worker start --pool ${this.o.pool}\`), agents take runs from pools of type ${AGENT_POOL_TYPE}`,
            );
          }
          return workPool.type;
        }
        if (workPool.type === AGENT_POOL_TYPE) {
          throw new WorkerSetupError(
            `work pool "${this.o.pool}" has type ${AGENT_POOL_TYPE}: its runs use their deployments' own infrastructure blocks; start an agent for it (\`ordo agent start --pool ${this.o.pool} -q QUEUE\`)`,
          );
        }
        if (!registry.infrastructureFor(workPool.type)) {
          const known = [
            ...registry.workPoolTypes().map((t) => t.type),
            ...registry.byCapability("run-infrastructure").map((t) => t.slug),
          ];
          throw new WorkerSetupError(
            `work pool "${this.o.pool}" has type "${workPool.type}", which no loaded plugin runs (work-pool and infrastructure block types here: ${known.join(", ") || "none"})`,
          );
        }
        return workPool.type;
      } catch (e) {
        if (e instanceof WorkerSetupError || !isTransient(e)) throw e;
        await sleep(backoffMs(failures, 1, 15), this.stopped.signal);
      }
    }
    return null;
  }

  private async claimLoop(supervisor: (run: ClaimedRun) => RunSupervisor): Promise<void> {
    let failures = 0;
    let lastProblem = "";
    while (!this.stopping) {
      let delay = this.o.pollSeconds * 1000;
      try {
        const claimed = await this.claim(supervisor);
        failures = 0;
        lastProblem = "";
        // a full batch suggests more are due: claim again without waiting
        if (this.o.limit === null && claimed === UNLIMITED_BATCH) delay = 0;
      } catch (e) {
        delay = backoffMs(++failures, this.o.pollSeconds);
        const problem = describeError(e);
        // outages are logged by the API wrapper; a refused claim (pool deleted…) once per cause
        if (!isTransient(e) && problem !== lastProblem) this.log.error(`claiming runs failed: ${problem}`);
        lastProblem = problem;
      }
      await this.alarm.sleep(delay);
    }
  }

  private async claim(supervisor: (run: ClaimedRun) => RunSupervisor): Promise<number> {
    // a full worker still polls with limit 0, so its queues stay READY (last polled) on the server
    const free = this.o.limit === null ? UNLIMITED_BATCH : Math.max(0, Math.min(this.o.limit - this.runs.size, 200));
    const { claimFlowRuns } = await this.api.call(WorkerClaimFlowRunsDocument, {
      input: {
        workPoolName: this.o.pool,
        workQueueNames: this.o.queues.length ? this.o.queues : undefined,
        workerName: this.name,
        limit: free,
      },
    });
    for (const run of claimFlowRuns) {
      if (this.runs.has(run.id)) continue;
      const s = supervisor(run);
      // the slot is taken before anything can fail and given back only when the run is settled,
      // whatever happened (Prefect #15952 leaked it when a submission was aborted)
      this.runs.set(run.id, s);
      void s
        .supervise()
        .catch((e) => this.log.error(`${run.name}: supervision failed: ${describeError(e)}`))
        .finally(() => {
          this.runs.delete(run.id);
          this.alarm.wake();
        });
    }
    return claimFlowRuns.length;
  }

  private async heartbeat(): Promise<void> {
    await this.api
      .call(WorkerHeartbeatDocument, {
        workPoolName: this.o.pool,
        workerName: this.name,
        heartbeatIntervalSeconds: this.o.heartbeatSeconds,
      })
      .catch(() => undefined); // outages are logged by the API wrapper; the next beat retries
  }

  /** Renews every run's lease; the answer is also how a cancellation reaches a run without events. */
  private async heartbeatRuns(): Promise<void> {
    await Promise.all(
      [...this.runs.values()].map(async (s) => {
        try {
          const { flowRunHeartbeat } = await this.api.call(WorkerFlowRunHeartbeatDocument, { flowRunId: s.run.id });
          s.observe(flowRunHeartbeat.stateType);
        } catch {
          // next beat retries; the lease is many beats long
        }
      }),
    );
  }

  private onEvent(e: PoolEvent): void {
    if (e.stateType === "SCHEDULED") this.alarm.wake();
    else this.runs.get(e.flowRunId)?.observe(e.stateType);
  }

  /** After stop(): wait for the runs up to the grace, then kill the rest and report them CRASHED. */
  private async drain(): Promise<void> {
    if (this.runs.size > 0) {
      this.log.info(
        `stopping: no new claims; waiting up to ${this.o.shutdownGraceSeconds}s for ${this.runs.size} run(s) (signal again to stop at once)`,
      );
      const graceEnd = Date.now() + this.o.shutdownGraceSeconds * 1000;
      await waitFor(
        () => this.runs.size === 0,
        () => (this.hurried ? 0 : graceEnd),
      );
    }
    if (this.runs.size === 0) return;
    this.log.warn(`stopping: killing ${this.runs.size} unfinished run(s)`);
    for (const s of this.runs.values()) s.shutdown();
    // killing takes up to the kill grace; reports get a little longer, then the lease takes over
    const reportEnd = Date.now() + (this.o.killGraceSeconds + 10) * 1000;
    if (
      !(await waitFor(
        () => this.runs.size === 0,
        () => reportEnd,
      ))
    ) {
      this.givingUp = true;
      const last = Date.now() + 2_000;
      await waitFor(
        () => this.runs.size === 0,
        () => last,
      );
      this.log.warn(
        `stopping: ${this.runs.size} run(s) not reported; the server will mark them CRASHED when their lease runs out`,
      );
    }
  }

  /** An interval whose tick is skipped while the previous one is still running (a slow server). */
  private every(seconds: number, tick: () => Promise<void>): NodeJS.Timeout {
    let busy = false;
    const run = () => {
      if (busy) return;
      busy = true;
      void tick().finally(() => (busy = false));
    };
    run();
    return setInterval(run, seconds * 1000);
  }
}
