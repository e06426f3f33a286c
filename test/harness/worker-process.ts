// A real `ordo worker start` child process for e2e tests: its output kept for assertions, its exit
// awaited, and every one started killed by killAll() (afterAll).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eventually } from "./eventually.js";
import { homeEnv } from "./server-homes.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ORDO_BIN = path.join(REPO, "bin/ordo.mjs");

export class WorkerProcess {
  private static all: WorkerProcess[] = [];
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  /** `command`: ["agent", "start"] for an agent */
  constructor(
    apiUrl: string,
    args: string[],
    env: Record<string, string> = homeEnv(apiUrl),
    command: string[] = ["worker", "start"],
  ) {
    this.child = spawn(process.execPath, [ORDO_BIN, ...command, ...args], {
      cwd: REPO,
      env: { ...process.env, ORDO_API_URL: apiUrl, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let partial = "";
    const onData = (chunk: Buffer) => {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop()!;
      this.lines.push(...parts);
      if (process.env.ORDO_TEST_WORKER_LOG)
        parts.forEach((l) => process.stderr.write(`  worker ${this.child.pid}| ${l}\n`));
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    WorkerProcess.all.push(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return this.lines.join("\n");
  }

  /** Resolves with the first output line matching, once it is printed. */
  async waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return eventually(() => this.lines.find((l) => pattern.test(l)), {
      timeoutMs,
      what: () => `worker output matching ${pattern}\n${this.output}`,
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  static async killAll(): Promise<void> {
    await Promise.all(
      WorkerProcess.all.map(async (w) => {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
        await w.exited;
      }),
    );
    WorkerProcess.all = [];
  }
}

/** SIGKILL to a whole process group, if it is still there (jobs outlive a SIGKILLed worker). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}
