// An infrastructure block that runs a job as a child process of the worker, in its own process
// group so that killing it (politely, then forcibly) takes everything it started along.
import { spawn, type StdioOptions } from "node:child_process";
import os from "node:os";
import { createInterface } from "node:readline";
import {
  InfrastructureNotFoundError,
  type BlockLogger,
  type ConfigOf,
  type InfrastructureJob,
  type InfrastructureResult,
  type RunInfrastructure,
} from "ordo/blocks-sdk";
import { groupAlive, signalGroup } from "./process-group.js";

/** Prefect's Process block waits 30 s after SIGTERM before SIGKILL. */
export const DEFAULT_GRACE_SECONDS = 30;

const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;

export const processSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    command: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      description: "used when the job brings no command",
    },
    env: { ...stringMap, description: "added to the worker's environment; the job's variables win" },
    workingDir: { type: "string", minLength: 1, description: "used when the job names no working directory" },
    labels: { ...stringMap, description: "merged under the job's labels" },
    streamOutput: {
      type: "boolean",
      default: true,
      description: "pass the job's output lines on; false discards them",
    },
  },
  additionalProperties: false,
} as const;

export type ProcessConfig = ConfigOf<typeof processSchema>;

export class ProcessBlock implements RunInfrastructure {
  private readonly logger: BlockLogger;

  constructor(
    private readonly config: ProcessConfig,
    deps: { logger: BlockLogger },
  ) {
    this.logger = deps.logger;
  }

  /**
   * The configuration is the default and the job is specific: the job's command, working
   * directory, env variables and labels win; the configuration fills in what the job leaves out.
   */
  run(job: InfrastructureJob): Promise<InfrastructureResult> {
    const command = job.command.length > 0 ? job.command : (this.config.command ?? []);
    const [file, ...args] = command;
    if (file === undefined)
      return Promise.reject(new Error("process: nothing to run (neither the job nor the block has a command)"));
    if (job.signal?.aborted) return Promise.reject(new Error("process: the job was cancelled before it started"));
    const labels = { ...this.config.labels, ...job.labels };
    const stream = this.config.streamOutput !== false;
    // Lines go to onOutput when there is one; without it they go where the worker's own output goes.
    const stdio: StdioOptions = !stream
      ? "ignore"
      : job.onOutput
        ? ["ignore", "pipe", "pipe"]
        : ["ignore", "inherit", "inherit"];

    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: job.workingDir ?? this.config.workingDir,
        env: { ...process.env, ...this.config.env, ...job.env },
        stdio,
        // its own process group, whose id is its pid: kill() signals the whole tree at once
        detached: true,
      });
      let settled = false;
      const onAbort = () => void this.kill(child.pid!).catch(() => undefined);
      child.once("error", (e) => {
        if (settled) return;
        settled = true;
        // Only the program name: arguments may carry values the user considers private.
        reject(new Error(`process: could not start "${file}": ${e.message}`));
      });
      child.once("spawn", () => {
        this.logger.info(`process: started pid ${child.pid}`, Object.keys(labels).length ? { labels } : undefined);
        // host-qualified, so a kill() from a worker on another machine is refused, not misdirected
        job.onStart?.(`${os.hostname()}:${child.pid}`);
        // it may have been aborted while the process was starting
        if (job.signal?.aborted) onAbort();
        else job.signal?.addEventListener("abort", onAbort, { once: true });
      });
      if (job.onOutput) {
        for (const name of ["stdout", "stderr"] as const) {
          const source = child[name];
          if (source)
            createInterface({ input: source, crlfDelay: Infinity }).on("line", (line) => job.onOutput!(name, line));
        }
      }
      // "close" (not "exit") so every output line has been delivered before the result.
      child.once("close", (code, signal) => {
        job.signal?.removeEventListener("abort", onAbort);
        if (settled) return;
        settled = true;
        resolve({ pid: child.pid!, exitCode: code, signal });
      });
    });
  }

  /**
   * SIGTERM to the process group, up to `gracePeriodSeconds` for it to go, then SIGKILL.
   * `pid` may be "host:pid"; a pid from another host is not ours to kill.
   */
  async kill(pid: string | number, gracePeriodSeconds = DEFAULT_GRACE_SECONDS): Promise<void> {
    const pgid = parsePid(pid);
    if (!(await groupAlive(pgid)) || !signalGroup(pgid, "SIGTERM")) {
      throw new InfrastructureNotFoundError(`process: no running process group ${pgid}`);
    }
    const deadline = Date.now() + gracePeriodSeconds * 1000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, deadline - Date.now()))));
      if (!(await groupAlive(pgid))) return;
    }
    if (await groupAlive(pgid)) {
      this.logger.warn(`process: group ${pgid} still running ${gracePeriodSeconds}s after SIGTERM, sending SIGKILL`);
      signalGroup(pgid, "SIGKILL");
    }
  }
}

function parsePid(pid: string | number): number {
  const text = String(pid);
  const [host, id] = text.includes(":") ? text.split(":", 2) : [null, text];
  if (host !== null && host !== os.hostname())
    throw new InfrastructureNotFoundError(`process: ${text} runs on host "${host}", not on this one`);
  const n = Number(id);
  // 0 or 1 would signal our own group or init: never accept them.
  if (!Number.isInteger(n) || n <= 1) throw new InfrastructureNotFoundError(`process: "${text}" is not a process id`);
  return n;
}
