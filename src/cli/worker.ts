// `ordo worker start` and `ordo agent start`: run a worker for one work pool (an agent: for the
// named queues of an agent pool) until SIGTERM/SIGINT (a second signal stops waiting for runs).
import type { Command } from "commander";
import { DEFAULT_AGENT_POOL } from "../worker/pool-types.js";
import { Worker, type WorkerOptions } from "../worker/worker.js";
import { apiUrl, DEFAULT_API_URL } from "./common/api.js";
import { collect, positive } from "./common/options.js";

export function registerWorkerCommands(program: Command): void {
  const worker = program
    .command("worker")
    .description("workers: claim a work pool's runs and run them on its infrastructure");
  withRunOptions(
    worker
      .command("start")
      .description(`start a worker (server: ORDO_API_URL, default ${DEFAULT_API_URL})`)
      .requiredOption("-p, --pool <name>", "work pool to take runs from")
      .option(
        "-q, --queue <name>",
        "work queue to take runs from (repeatable; default: every queue of the pool, by priority)",
        collect,
      ),
  ).action((opts: StartOptions) => runUntilSignalled(opts, { pool: opts.pool!, queues: opts.queue ?? [] }));
}

export function registerAgentCommands(program: Command): void {
  const agent = program
    .command("agent")
    .description(
      "agents (Prefect 2): claim the runs of an agent pool's queues and run each on its deployment's own infrastructure block",
    );
  withRunOptions(
    agent
      .command("start")
      .description(
        `start an agent: each run goes to its deployment's infrastructure block (process when it has none) with the deployment's overrides applied (server: ORDO_API_URL, default ${DEFAULT_API_URL})`,
      )
      .requiredOption(
        "-q, --work-queue <name>",
        "work queue to take runs from (repeatable; a tag-filtered queue also takes pool-less runs with its tags)",
        collect,
      )
      .option("-p, --pool <name>", `agent work pool the queues belong to`, DEFAULT_AGENT_POOL),
  ).action((opts: StartOptions) =>
    runUntilSignalled(opts, { pool: opts.pool!, queues: opts.workQueue ?? [], agent: true }),
  );
}

function withRunOptions(command: Command): Command {
  return command
    .option("-l, --limit <n>", "most runs at once (default: no limit)", positive("--limit", true))
    .option("-n, --name <name>", "its name (default: worker-<host>-<pid>, agent-<host>-<pid>)")
    .option("--poll-seconds <s>", "seconds between claims when no event wakes it", positive("--poll-seconds", false), 5)
    .option("--heartbeat-seconds <s>", "seconds between its heartbeats", positive("--heartbeat-seconds", false), 10)
    .option(
      "--run-heartbeat-seconds <s>",
      "seconds between renewals of each run's lease",
      positive("--run-heartbeat-seconds", false),
      5,
    )
    .option(
      "--kill-grace <s>",
      "seconds between SIGTERM and SIGKILL when stopping a run",
      positive("--kill-grace", false),
      10,
    )
    .option(
      "--shutdown-grace <s>",
      "seconds a stopping worker waits for its runs before killing them",
      positive("--shutdown-grace", false),
      30,
    )
    .option("--no-events", "poll only, without the graphql-ws subscription (for networks that block WebSockets)");
}

async function runUntilSignalled(
  opts: StartOptions,
  target: Pick<WorkerOptions, "pool" | "queues" | "agent">,
): Promise<void> {
  const w = new Worker({
    ...target,
    limit: opts.limit ?? null,
    name: opts.name,
    apiUrl: apiUrl(),
    pollSeconds: opts.pollSeconds,
    heartbeatSeconds: opts.heartbeatSeconds,
    runHeartbeatSeconds: opts.runHeartbeatSeconds,
    killGraceSeconds: opts.killGrace,
    shutdownGraceSeconds: opts.shutdownGrace,
    events: opts.events,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    process.stdout.write(`${new Date().toISOString()} INFO  received ${signal}\n`);
    w.stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  await w.run();
  // open sockets (keep-alive, a closing subscription) must not keep a stopped worker alive
  process.exit(0);
}

interface StartOptions {
  pool?: string;
  queue?: string[];
  workQueue?: string[];
  limit?: number;
  name?: string;
  pollSeconds: number;
  heartbeatSeconds: number;
  runHeartbeatSeconds: number;
  killGrace: number;
  shutdownGrace: number;
  events: boolean;
}
