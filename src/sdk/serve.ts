// serve(): the long-lived process of seed 003's "serving flows on long-lived infrastructure" —
// registers deployments of flows, then runs their due runs in subprocesses (`ordo flow-run
// execute`), with no work pool or worker; pauses them on shutdown.
import { spawn, type ChildProcess } from "node:child_process";
import {
  ServeApplyDeploymentDocument,
  ServeFlowRunStateDocument,
  ServeHeartbeatDocument,
  ServePauseDeploymentDocument,
  ServeProposeStateDocument,
  ServeScheduledRunsDocument,
} from "../client/generated/graphql.js";
import { OrdoClient } from "../client/ordo-client.js";
import { ORDO_BIN } from "../installation.js";
import { deploymentInput, toDeployment, type FlowDeployment } from "./deployment.js";
import type { Flow } from "./flow.js";
import { FLOW_MARK } from "../flow-contract.js";
import { currentRuntime } from "./runtime.js";

export interface ServeOptions {
  /** default ORDO_API_URL, else http://127.0.0.1:4200/graphql */
  apiUrl?: string;
  /** most runs at once; default no limit */
  limit?: number | null;
  /** how often due runs are looked for (default 10 s, as Prefect's runner) */
  pollSeconds?: number;
  /** runs due this soon are started already; the executor waits for their time */
  prefetchSeconds?: number;
  /** pause the deployments when serving stops, so their schedules make no runs nobody runs (default true) */
  pauseOnShutdown?: boolean;
  /** stops serving when aborted; default: SIGINT / SIGTERM */
  signal?: AbortSignal;
}

const ACTIVE = ["PENDING", "RUNNING"];

/**
 * Serves flows (as a deployment named after the flow) and deployments until SIGINT/SIGTERM:
 *   await serve(toDeployment(etl, { name: "nightly", cron: "0 3 * * *" }), report);
 *   await serve([etl, report], { limit: 4 });
 * Inside a flow run (the executor importing this file) it does nothing.
 */
export async function serve(...items: Array<Flow<any, any> | FlowDeployment>): Promise<void>;
export async function serve(items: Array<Flow<any, any> | FlowDeployment>, options: ServeOptions): Promise<void>;
export async function serve(...args: unknown[]): Promise<void> {
  if (currentRuntime()) return;
  const [items, options] = Array.isArray(args[0])
    ? [args[0] as unknown[], (args[1] ?? {}) as ServeOptions]
    : [args, {} as ServeOptions];
  const deployments = items.map((item) =>
    typeof item === "function" && FLOW_MARK in item
      ? toDeployment(item as Flow, { name: (item as Flow).options.name })
      : (item as FlowDeployment),
  );
  if (deployments.length === 0 || deployments.some((d) => !d || typeof d.flow !== "function"))
    throw new TypeError("serve(): give flows or toDeployment(flow, …) results");
  await new Runner(deployments, options).run();
}

class Runner {
  private readonly client: OrdoClient;
  private readonly running = new Map<string, { name: string; child: ChildProcess; exited: Promise<void> }>();
  private readonly stop = new AbortController();
  private wake: () => void = () => {};

  constructor(
    private readonly deployments: FlowDeployment[],
    private readonly o: ServeOptions,
  ) {
    this.client = new OrdoClient(o.apiUrl ?? (process.env.ORDO_API_URL || undefined));
  }

  async run(): Promise<void> {
    const ids: string[] = [];
    for (const d of this.deployments) {
      const { deployment } = (await this.client.request(ServeApplyDeploymentDocument, { input: deploymentInput(d) }))
        .applyDeployment;
      ids.push(deployment.id);
      this.log(`serving ${deployment.slug}`);
    }
    const onSignal = () => this.stop.abort();
    if (!this.o.signal) ["SIGINT", "SIGTERM"].forEach((s) => process.on(s, onSignal));
    this.o.signal?.addEventListener("abort", onSignal, { once: true });
    this.stop.signal.addEventListener("abort", () => this.wake(), { once: true });
    const heartbeat = setInterval(() => void this.heartbeat(), 10_000);
    try {
      while (!this.stop.signal.aborted) {
        await this.poll(ids).catch((e) =>
          this.log(`could not look for runs: ${e instanceof Error ? e.message : String(e)}`),
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, (this.o.pollSeconds ?? 10) * 1000);
          this.wake = () => (clearTimeout(timer), resolve());
        });
      }
    } finally {
      clearInterval(heartbeat);
      ["SIGINT", "SIGTERM"].forEach((s) => process.off(s, onSignal));
      await this.shutdown(ids);
    }
  }

  private async poll(ids: string[]): Promise<void> {
    const before = new Date(Date.now() + (this.o.prefetchSeconds ?? 10) * 1000).toISOString();
    for (const deploymentId of ids) {
      const runs = (await this.client.request(ServeScheduledRunsDocument, { deploymentId, before })).flowRuns.edges.map(
        (e) => e.node,
      );
      runs.sort((a, b) => String(a.nextScheduledStartTime).localeCompare(String(b.nextScheduledStartTime)));
      for (const run of runs) {
        if (this.stop.signal.aborted || (this.o.limit != null && this.running.size >= this.o.limit)) return;
        // an in-process retry belongs to the executor that is still running it
        if (this.running.has(run.id) || (run.retryPolicy as { retryType?: string } | null)?.retryType === "in_process")
          continue;
        const claim = (
          await this.client.request(ServeProposeStateDocument, {
            input: { flowRunId: run.id, state: { type: "PENDING" } },
          })
        ).setFlowRunState;
        // ABORT/REJECT: someone else took it, or it changed meanwhile
        if (claim.status === "ACCEPT")
          this.launch(run.id, run.name, run.nextScheduledStartTime ? String(run.nextScheduledStartTime) : null);
      }
    }
  }

  private launch(id: string, name: string, expected: string | null): void {
    this.log(`${name}: starting (run ${id})`);
    const child = spawn(process.execPath, [ORDO_BIN, "flow-run", "execute", id], {
      env: {
        ...process.env,
        ORDO_API_URL: this.client.url,
        ...(this.client.apiKey ? { ORDO_API_KEY: this.client.apiKey } : {}),
        ORDO_FLOW_RUN_ID: id,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = "";
      stream.on("data", (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split("\n");
        rest = lines.pop()!;
        for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
      });
    }
    const exited = new Promise<void>((resolve) => {
      child.on("error", (e) => this.log(`${name}: could not start: ${e.message}`));
      child.on("close", (code, signal) => void this.exited(id, name, expected, code, signal).finally(resolve));
    });
    this.running.set(id, { name, child, exited });
  }

  private async exited(
    id: string,
    name: string,
    expected: string | null,
    code: number | null,
    signal: string | null,
  ): Promise<void> {
    this.running.delete(id);
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.log(`${name}: process ${how}`);
    try {
      const state = (await this.client.request(ServeFlowRunStateDocument, { id })).flowRun?.stateType;
      // stopping before its executor started it (pulling, waiting for its time): hand it back, SCHEDULED
      // at its time, so the next serve() or a worker runs it rather than a CRASHED run nobody ran
      if (state === "PENDING" && this.stop.signal.aborted) {
        const handBack = {
          type: "SCHEDULED" as const,
          message: "serve() stopped before the run started; it is scheduled again",
          ...(expected ? { scheduledTime: expected } : {}),
        };
        const r = (await this.client.request(ServeProposeStateDocument, { input: { flowRunId: id, state: handBack } }))
          .setFlowRunState;
        this.log(`${name}: not started; handed back as SCHEDULED (${r.status})`);
        return;
      }
      // the executor reports its own end; a run left PENDING or RUNNING lost its process
      if (state && ACTIVE.includes(state)) {
        await this.client.request(ServeProposeStateDocument, {
          input: {
            flowRunId: id,
            state: { type: "CRASHED", message: `the flow run process ${how} without reporting a final state` },
          },
        });
      }
    } catch (e) {
      this.log(
        `${name}: could not check its final state (${e instanceof Error ? e.message : String(e)}); the server's lease will settle it`,
      );
    }
    this.wake();
  }

  /** Keeps the leases of runs claimed here until their executor takes over. */
  private async heartbeat(): Promise<void> {
    for (const id of this.running.keys())
      await this.client.request(ServeHeartbeatDocument, { flowRunId: id }).catch(() => {});
  }

  private async shutdown(ids: string[]): Promise<void> {
    this.log(`stopping${this.running.size ? `: interrupting ${this.running.size} run(s)` : ""}`);
    if (this.o.pauseOnShutdown ?? true) {
      for (const id of ids)
        await this.client
          .request(ServePauseDeploymentDocument, { id })
          .catch((e) => this.log(`could not pause deployment ${id}: ${e instanceof Error ? e.message : String(e)}`));
    }
    // the executors report their runs CRASHED on SIGTERM
    for (const { child } of this.running.values()) child.kill("SIGTERM");
    await Promise.all([...this.running.values()].map((r) => r.exited));
    await this.client.close();
  }

  private log(message: string): void {
    process.stdout.write(`${new Date().toISOString()} ordo serve: ${message}\n`);
  }
}
