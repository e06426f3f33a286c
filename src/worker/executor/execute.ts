// `ordo flow-run execute <id>`: fetches the run, prepares its code, proposes RUNNING (waiting when
// told to), calls the flow with the run's parameters, ships its logs, and reports COMPLETED or
// FAILED — re-running it under the server's retry policy, or else the flow's own retries.
import { parsePluginList } from "../../blocks/index.js";
import { PACKAGE_ROOT } from "../../installation.js";
import { ensureTypeScriptLoader } from "../../typescript-loader.js";
import type { StateType } from "../../client/generated/graphql.js";
import { OrdoClient } from "../../client/ordo-client.js";
import { sleep } from "../timing.js";
import { loadEntrypoint } from "./entrypoint.js";
import { installRuntime, type LoadedFlow, type RunContext } from "./flow-contract.js";
import { captureConsole, formatLine, LEVELS, LogShipper } from "./log-shipper.js";
import { registerFlowModuleHooks } from "./module-hooks.js";
import { callFlow, describe, describeAnswer, resultData } from "./outcome.js";
import { ExecutorApi, type ExecutorRun } from "./run-api.js";
import { StorageBlocks } from "./storage.js";
import { prepareWorkingDirectory } from "./workdir.js";

export interface ExecuteOptions {
  flowRunId: string;
  /** default ORDO_API_URL, else http://127.0.0.1:4200/graphql */
  apiUrl?: string;
  /** renews the run's lease (the server's default lease is 90 s) */
  heartbeatSeconds?: number;
  logIntervalMs?: number;
  /** third-party block plugin packages; default ORDO_PLUGINS (comma-separated) */
  plugins?: string[];
  /** aborted with the signal's name (SIGTERM, SIGINT) when the process is told to stop */
  signal?: AbortSignal;
}

/** 0: COMPLETED, or nothing to run (ABORT/REJECT, already finished); 1: FAILED, cancelled or crashed. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

const FINISHED: readonly StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED", "CANCELLING"];

type Stop = { kind: "cancel" } | { kind: "signal"; name: string };
const STOPPED = Symbol("stopped");

export async function executeFlowRun(options: ExecuteOptions): Promise<number> {
  const client = new OrdoClient(options.apiUrl);
  const api = new ExecutorApi(client);
  const run = await api.flowRun(options.flowRunId);
  if (!run) throw new Error(`no flow run with id ${options.flowRunId} at ${client.url}`);
  if (FINISHED.includes(run.stateType)) {
    process.stdout.write(`flow run ${run.name} is ${run.stateName}: nothing to execute\n`);
    return EXIT_OK;
  }
  // reports made while stopping must not outlast the worker's kill grace period
  const quickApi = new ExecutorApi(client, { timeoutMs: 3000, retryForMs: 2000, outageRetryForMs: 2000 });
  return new Execution(api, quickApi, run, options).execute();
}

class Execution {
  private readonly shipper: LogShipper;
  private readonly context: RunContext;
  /** the run became RUNNING here: it is this process's to report, even while it awaits a retry */
  private started = false;
  private stop: Stop | null = null;
  private onStop: () => void = () => {};
  private readonly stopped = new Promise<typeof STOPPED>((resolve) => (this.onStop = () => resolve(STOPPED)));

  constructor(
    private readonly api: ExecutorApi,
    private readonly quickApi: ExecutorApi,
    private readonly run: ExecutorRun,
    private readonly o: ExecuteOptions,
  ) {
    this.shipper = new LogShipper(api, run.id, {
      intervalMs: o.logIntervalMs,
      warn: (m) => process.stderr.write(`ordo executor: ${m}\n`),
    });
    const parameters = isObject(run.parameters) ? run.parameters : {};
    this.context = {
      flowRunId: run.id,
      flowRunName: run.name,
      deploymentId: run.deployment?.id ?? null,
      deploymentSlug: run.deployment?.slug ?? null,
      parameters,
      runCount: run.runCount,
      attempt: 0,
    };
  }

  async execute(): Promise<number> {
    this.shipper.start();
    const restoreConsole = captureConsole((level, message) => this.shipper.add(level, "ordo.console", message));
    const uninstall = installRuntime({
      context: this.context,
      log: (level, name, message) => this.print(level, name, message),
    });
    const stopHeartbeat = this.heartbeat(this.o.heartbeatSeconds ?? 10);
    const abort = () => this.requestStop({ kind: "signal", name: String(this.o.signal?.reason ?? "SIGTERM") });
    if (this.o.signal?.aborted) abort();
    this.o.signal?.addEventListener("abort", abort, { once: true });
    const startDir = process.cwd();
    let cleanup = async () => {};
    try {
      let flow: LoadedFlow;
      try {
        const deployment = this.run.deployment;
        if (!deployment) throw new Error("the run has no deployment, so nothing says where its code is");
        const storage = new StorageBlocks(
          this.api,
          blockLogger((l, m) => this.print(l, "ordo.blocks", m)),
          this.o.plugins ?? parsePluginList(process.env.ORDO_PLUGINS),
        );
        // pull steps may reference blocks (`ordo deploy` leaves those for run time)
        const blockData = async (slug: string) =>
          ((await this.api.blockDocument({ slug }))?.data as Record<string, unknown> | undefined) ?? null;
        const workdir = await this.untilStopped(
          prepareWorkingDirectory(deployment, storage, (m) => this.log(LEVELS.info, m), blockData),
        );
        if (workdir === STOPPED) return await this.stopping();
        cleanup = workdir.cleanup;
        process.chdir(workdir.directory);
        // tsx first: the hooks registered after it run before it
        await ensureTypeScriptLoader();
        registerFlowModuleHooks(PACKAGE_ROOT);
        const loaded = await this.untilStopped(loadEntrypoint(deployment.entrypoint, workdir.directory));
        if (loaded === STOPPED) return await this.stopping();
        flow = loaded;
        if (flow.isSdkFlow && flow.name !== deployment.flow.name)
          this.log(
            LEVELS.warning,
            `the entrypoint's flow is named "${flow.name}" but the deployment belongs to flow "${deployment.flow.name}"`,
          );
      } catch (e) {
        this.log(LEVELS.error, `Flow could not be retrieved from the deployment: ${describe(e, true)}`);
        return await this.finish("FAILED", `Flow could not be retrieved from the deployment: ${describe(e, false)}`);
      }
      return await this.runAttempts(flow);
    } finally {
      this.o.signal?.removeEventListener("abort", abort);
      stopHeartbeat();
      uninstall();
      restoreConsole();
      await this.shipper.close();
      process.chdir(startDir);
      await cleanup();
    }
  }

  private async runAttempts(flow: LoadedFlow): Promise<number> {
    // the server's policy when the run has one (the run was created with retries), else the flow's
    const serverRetries = typeof (this.run.retryPolicy as { retries?: unknown } | null)?.retries === "number";
    let localRetriesLeft = serverRetries ? 0 : flow.retries;
    let needsRunning = true;
    for (let attempt = 1; ; attempt++) {
      if (needsRunning) {
        const started = await this.proposeRunning(attempt > 1);
        if (started !== true) return started;
      }
      this.context.attempt = attempt;
      this.log(LEVELS.info, `Executing flow ${flow.name} (attempt ${attempt}, run count ${this.context.runCount})`);
      const outcome = await this.untilStopped(callFlow(flow, this.context.parameters));
      if (outcome === STOPPED) return await this.stopping();
      if (outcome.ok) {
        this.log(LEVELS.info, "Finished in state Completed()");
        const { data, note } = resultData(outcome.value);
        if (note) this.log(LEVELS.warning, note);
        return await this.finish("COMPLETED", "All states completed.", data);
      }
      this.log(LEVELS.error, `Encountered exception during execution: ${describe(outcome.error, true)}`);
      const message = `Flow run encountered an exception: ${describe(outcome.error, false)}`;
      if (localRetriesLeft > 0) {
        localRetriesLeft--;
        this.log(
          LEVELS.info,
          `Retrying the flow (${flow.retries - localRetriesLeft} of ${flow.retries}) in ${flow.retryDelaySeconds}s`,
        );
        if ((await this.untilStopped(sleep(flow.retryDelaySeconds * 1000))) === STOPPED) return await this.stopping();
        needsRunning = false;
        continue;
      }
      await this.shipper.flush();
      const r = await this.api.propose(this.run.id, { type: "FAILED", message });
      if (r.status === "REJECT" && r.state?.type === "SCHEDULED") {
        // the server's RetryFailedFlows: AwaitingRetry until scheduledTime, which WAIT enforces
        this.log(LEVELS.info, `Retry scheduled for ${r.state.scheduledTime ?? "now"}: ${r.reason ?? ""}`.trim());
        needsRunning = true;
        continue;
      }
      this.log(
        r.status === "ACCEPT" ? LEVELS.error : LEVELS.warning,
        `Finished in state Failed(${message})${r.status === "ACCEPT" ? "" : ` — the server answered ${describeAnswer(r)}`}`,
      );
      return EXIT_FAILED;
    }
  }

  /** true once RUNNING; otherwise the exit code (the server said not to run). */
  private async proposeRunning(retrying: boolean): Promise<true | number> {
    for (;;) {
      const answer = await this.untilStopped(
        this.api.propose(this.run.id, { type: "RUNNING", ...(retrying ? { name: "Retrying" } : {}) }),
      );
      if (answer === STOPPED) return this.stopping();
      if (answer.status === "ACCEPT") {
        this.started = true;
        this.context.runCount = answer.flowRun.runCount;
        return true;
      }
      if (answer.status === "WAIT") {
        const seconds = answer.delaySeconds ?? 1;
        this.log(LEVELS.info, `Waiting ${seconds}s before running: ${answer.reason ?? "the server said to wait"}`);
        if ((await this.untilStopped(sleep(seconds * 1000))) === STOPPED) return this.stopping();
        continue;
      }
      this.log(LEVELS.warning, `Not running the flow: the server answered ${describeAnswer(answer)}`);
      return EXIT_OK;
    }
  }

  /** Proposes a final state; the exit code says whether the run ended COMPLETED. */
  private async finish(type: "COMPLETED" | "FAILED", message: string, data?: unknown): Promise<number> {
    // lines first: whoever follows the run stops reading once it is final
    await this.shipper.flush();
    const r = await this.api.propose(this.run.id, { type, message, ...(data !== undefined ? { data } : {}) });
    if (r.status !== "ACCEPT")
      this.log(LEVELS.warning, `${type} was not accepted: the server answered ${describeAnswer(r)}`);
    return type === "COMPLETED" && r.status === "ACCEPT" ? EXIT_OK : EXIT_FAILED;
  }

  /** A cancellation (seen in a heartbeat) or a signal: report what the run became, quickly. */
  private async stopping(): Promise<number> {
    const stop = this.stop!;
    let cancelling = stop.kind === "cancel";
    if (!cancelling && this.started)
      cancelling = (await this.quickApi.flowRun(this.run.id).catch(() => null))?.stateType === "CANCELLING";
    this.log(
      LEVELS.warning,
      cancelling
        ? "The flow run was cancelled"
        : `Execution was interrupted by ${stop.kind === "signal" ? stop.name : "a signal"}`,
    );
    // never started (pulling, waiting for its time): the run stays as it is, for its worker or a later execution;
    // an in-process retry would be left SCHEDULED for no one (claims skip those), so it is reported too
    if (cancelling || this.started) {
      const type = cancelling ? "CANCELLED" : "CRASHED";
      const message = cancelling
        ? "The flow run was cancelled."
        : `Execution was interrupted by ${stop.kind === "signal" ? stop.name : "a signal"}.`;
      await this.quickApi
        .propose(this.run.id, { type, message })
        .catch((e) => this.log(LEVELS.warning, `could not report ${type}: ${describe(e, false)}`));
    }
    return stop.kind === "signal" ? 128 + (stop.name === "SIGINT" ? 2 : 15) : EXIT_FAILED;
  }

  private requestStop(stop: Stop): void {
    if (this.stop) return;
    this.stop = stop;
    this.onStop();
  }

  private untilStopped<T>(work: Promise<T>): Promise<T | typeof STOPPED> {
    return Promise.race([work, this.stopped]);
  }

  private heartbeat(seconds: number): () => void {
    let warned = false;
    const beat = async () => {
      try {
        const state = await this.api.heartbeat(this.run.id);
        warned = false;
        if (state === "CANCELLING" || state === "CANCELLED") this.requestStop({ kind: "cancel" });
      } catch (e) {
        if (!warned) process.stderr.write(`ordo executor: heartbeat failed (${describe(e, false)}); will retry\n`);
        warned = true;
      }
    };
    void beat();
    const timer = setInterval(() => void beat(), seconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  }

  private log(level: number, message: string): void {
    this.print(level, "ordo.executor", message);
  }

  /** A line for the run's logs, echoed to the process output (not through console: it is captured). */
  private print(level: number, name: string, message: string): void {
    this.shipper.add(level, name, message);
    (level >= LEVELS.warning ? process.stderr : process.stdout).write(`${formatLine(level, name, message)}\n`);
  }
}

function blockLogger(print: (level: number, message: string) => void) {
  const at = (level: number) => (msg: string, detail?: unknown) =>
    print(level, detail === undefined ? msg : `${msg} ${JSON.stringify(detail)}`);
  return { debug: at(LEVELS.debug), info: at(LEVELS.info), warn: at(LEVELS.warning), error: at(LEVELS.error) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
