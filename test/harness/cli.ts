// Runs the real `ordo` binary (bin/ordo.mjs) as a child process against a server, as a user's
// shell would, and hands back its exit code, stdout and stderr.
import { spawn } from "node:child_process";
import { homeEnv } from "./server-homes.js";
import { ORDO_BIN } from "./worker-process.js";

export interface CliResult {
  code: number | null;
  /** the signal that ended it, if one did */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** written to the command's stdin, then closed */
  input?: string;
  timeoutMs?: number;
}

/** `ordo ...args` with ORDO_API_URL set to `apiUrl` (and the server's ORDO_HOME, for its key); resolves when the process exits. */
export function ordo(apiUrl: string, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ORDO_BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ORDO_API_URL: apiUrl, ...homeEnv(apiUrl), NO_COLOR: "1", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `ordo ${args.join(" ")} did not exit within ${opts.timeoutMs ?? 60_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    // "close", not "exit": the output pipes are drained by then
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** `ordo ...args --json`, failing with its stderr unless it exits 0, parsed. */
export async function ordoJson<T = unknown>(apiUrl: string, args: string[], opts: CliOptions = {}): Promise<T> {
  const r = await ordo(apiUrl, [...args, "--json"], opts);
  if (r.code !== 0) throw new Error(`ordo ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
