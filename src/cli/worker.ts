// `ordo worker start`: runs a worker for one work pool until SIGTERM/SIGINT (a second signal stops waiting for runs).
import type { Command } from "commander";
import { Worker } from "../worker/worker.js";
import { apiUrl, DEFAULT_API_URL } from "./common/api.js";
import { collect, positive } from "./common/options.js";

export function registerWorkerCommands(program: Command): void {
  const worker = program.command("worker").description("workers: claim a work pool's runs and run them on its infrastructure");
  worker
    .command("start")
    .description(`start a worker (server: ORDO_API_URL, default ${DEFAULT_API_URL})`)
    .requiredOption("-p, --pool <name>", "work pool to take runs from")
    .option("-q, --queue <name>", "work queue to take runs from (repeatable; default: every queue of the pool, by priority)", collect)
    .option("-l, --limit <n>", "most runs at once (default: no limit)", positive("--limit", true))
    .option("-n, --name <name>", "worker name (default: worker-<host>-<pid>)")
    .option("--poll-seconds <s>", "seconds between claims when no event wakes the worker", positive("--poll-seconds", false), 5)
    .option("--heartbeat-seconds <s>", "seconds between worker heartbeats", positive("--heartbeat-seconds", false), 10)
    .option("--run-heartbeat-seconds <s>", "seconds between renewals of each run's lease", positive("--run-heartbeat-seconds", false), 5)
    .option("--kill-grace <s>", "seconds between SIGTERM and SIGKILL when stopping a run", positive("--kill-grace", false), 10)
    .option("--shutdown-grace <s>", "seconds a stopping worker waits for its runs before killing them", positive("--shutdown-grace", false), 30)
    .option("--no-events", "poll only, without the graphql-ws subscription (for networks that block WebSockets)")
    .action(async (opts: StartOptions) => {
      const w = new Worker({
        pool: opts.pool,
        queues: opts.queue ?? [],
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
    });
}

interface StartOptions {
  pool: string;
  queue?: string[];
  limit?: number;
  name?: string;
  pollSeconds: number;
  heartbeatSeconds: number;
  runHeartbeatSeconds: number;
  killGrace: number;
  shutdownGrace: number;
  events: boolean;
}
