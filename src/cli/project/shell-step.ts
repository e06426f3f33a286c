// The run_shell_script build/push step: a script run in the project folder, its output streamed to stderr and returned as {stdout, stderr}.
import { spawn } from "node:child_process";
import path from "node:path";
import type { StepArgs, StepOutputs, StepSpec } from "../../worker/steps/step-spec.js";
import type { DeployStepContext } from "./steps.js";

/** A step that ran and failed; `output` is what it printed, for the one-line reason. */
export class StepFailedError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = "StepFailedError";
  }
}

export const runShellScript: StepSpec<DeployStepContext> = {
  // Prefect's expand_env_vars and shell are accepted for its files; the script always runs in a
  // shell here, so $VARS always expand
  args: ["script", "directory", "env", "stream_output", "expand_env_vars", "shell"],
  required: ["script"],
  outputs: ["stdout", "stderr"],
  run: (args, ctx) => run(args, ctx),
};

async function run(args: StepArgs, ctx: DeployStepContext): Promise<StepOutputs> {
  const script = String(args.script);
  const cwd = path.resolve(ctx.dir, typeof args.directory === "string" ? args.directory : ".");
  const env = { ...process.env, ...stringMap(args.env, "env") };
  const stream = args.stream_output !== false;
  // -e: a failing line stops the script, as Prefect stops at the first failing command
  const [command, argv] =
    process.platform === "win32" ? ["cmd.exe", ["/d", "/s", "/c", script]] : ["/bin/sh", ["-e", "-c", script]];
  const child = spawn(command, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let both = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d;
    both += d;
    if (stream) process.stderr.write(d);
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d;
    both += d;
    if (stream) process.stderr.write(d);
  });
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once("error", (e) => reject(new Error(`cannot run ${command}: ${e.message}`)));
    child.once("close", (c, signal) => resolve(c ?? signal ?? "unknown"));
  });
  if (code !== 0) {
    // the output was not shown as it came: show it now, it is what explains the failure
    if (!stream && both.trim()) process.stderr.write(both.endsWith("\n") ? both : `${both}\n`);
    const last = (stderr.trim() || stdout.trim()).split("\n").pop()?.trim();
    throw new StepFailedError(
      `${typeof code === "number" ? `exited with code ${code}` : `killed by ${code}`}${last ? `: ${last}` : ""}`,
      both,
    );
  }
  return { stdout: stdout.trim(), stderr: stderr.trim() };
}

function stringMap(v: unknown, name: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${name} must be a mapping of names to values`);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" ? x : JSON.stringify(x)]));
}
