// The process block with real child processes: env and working directory, streamed output, exit
// codes, and kill — polite and forced — taking the child's own children along.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InfrastructureNotFoundError, type BlockLogger, type InfrastructureJob } from "ordo/blocks-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin, { ProcessBlock, type ProcessConfig } from "./index.js";
import { processAlive } from "./process-group.js";

const NODE = process.execPath;
const logged: string[] = [];
const logger: BlockLogger = {
  debug: (m) => logged.push(m),
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};
let tmp: string;

const block = (config: ProcessConfig = {}) => new ProcessBlock(config, { logger });

/** Runs a job and collects its output lines as "stream: line". */
async function runCollecting(b: ProcessBlock, job: Omit<InfrastructureJob, "onOutput">) {
  const lines: string[] = [];
  const result = await b.run({ ...job, onOutput: (stream, line) => lines.push(`${stream}: ${line}`) });
  return { result, lines };
}

/** Starts a job whose script prints "pids=<its pid>,<grandchild pid>"; resolves those once printed, while it runs on. */
function startFamily(b: ProcessBlock, script: string) {
  let seen: (pids: [number, number]) => void;
  const pids = new Promise<[number, number]>((resolve) => (seen = resolve));
  const done = b.run({
    command: [NODE, "-e", script],
    env: {},
    onOutput: (_s, l) => l.startsWith("pids=") && seen(l.slice(5).split(",").map(Number) as [number, number]),
  });
  return { pids, done };
}

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), "ordo-process-")));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("definition", () => {
  it("declares an infrastructure type that injects the logger", () => {
    expect(plugin.blockTypes[0]).toMatchObject({
      slug: "process",
      capabilities: ["run-infrastructure"],
      inject: { logger: Symbol.for("ordo.blocks.Logger") },
    });
  });
});

describe("run", () => {
  it("runs a real child with merged env and the working directory, streaming both outputs and returning the exit code", async () => {
    const b = block({ env: { FROM_BLOCK: "block", BOTH: "block" }, workingDir: "/" });
    const script =
      "console.log('cwd=' + process.cwd()); console.log(['FROM_BLOCK','BOTH','FROM_JOB'].map(k => process.env[k]).join(',')); console.error('to stderr'); process.exit(3)";
    const { result, lines } = await runCollecting(b, {
      command: [NODE, "-e", script],
      env: { BOTH: "job", FROM_JOB: "job" },
      workingDir: tmp,
    });
    expect(lines).toContain(`stdout: cwd=${tmp}`);
    expect(lines).toContain("stdout: block,job,job");
    expect(lines).toContain("stderr: to stderr");
    expect(result.exitCode).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.pid).toBeGreaterThan(1);
    expect(logged).toContain(`process: started pid ${result.pid}`);
  });

  it("falls back to the block's command and working directory, and the worker's environment", async () => {
    process.env.ORDO_PROCESS_TEST_INHERITED = "inherited";
    const b = block({
      command: [NODE, "-e", "console.log(process.cwd(), process.env.ORDO_PROCESS_TEST_INHERITED)"],
      workingDir: tmp,
    });
    const { result, lines } = await runCollecting(b, { command: [], env: {} });
    delete process.env.ORDO_PROCESS_TEST_INHERITED;
    expect(lines).toEqual([`stdout: ${tmp} inherited`]);
    expect(result.exitCode).toBe(0);
  });

  it("delivers lines split across writes, and every line before resolving", async () => {
    const script =
      "process.stdout.write('par'); setTimeout(() => { process.stdout.write('tial\\nsecond\\n'); for (let i = 0; i < 500; i++) console.log('line ' + i) }, 50)";
    const { lines } = await runCollecting(block(), { command: [NODE, "-e", script], env: {} });
    expect(lines.slice(0, 2)).toEqual(["stdout: partial", "stdout: second"]);
    expect(lines).toHaveLength(502);
  });

  it("drops the output when streamOutput is false", async () => {
    const { result, lines } = await runCollecting(block({ streamOutput: false }), {
      command: [NODE, "-e", "console.log('hidden')"],
      env: {},
    });
    expect(lines).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it("fails clearly when there is nothing to run or the program does not exist", async () => {
    await expect(block().run({ command: [], env: {} })).rejects.toThrow("process: nothing to run");
    await expect(block().run({ command: ["/no/such/program", "--token=abc"], env: {} })).rejects.toThrow(
      'process: could not start "/no/such/program": spawn /no/such/program ENOENT',
    );
  });
});

describe("kill", () => {
  // The child starts a grandchild in its own process group, prints both pids, and waits.
  const family = (onTerm: string) =>
    `const { spawn } = require("node:child_process"); const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });` +
    `process.on("SIGTERM", () => { ${onTerm} }); console.log("pids=" + process.pid + "," + g.pid); setInterval(() => {}, 1000);`;

  it("stops the whole process group with SIGTERM when it complies", async () => {
    const b = block();
    const { pids, done } = startFamily(b, family("process.exit(0)"));
    const [child, grandchild] = await pids;
    expect(await processAlive(grandchild)).toBe(true);
    const started = Date.now();
    await b.kill(child, 10);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await done).toEqual({ pid: child, exitCode: 0, signal: null });
    expect(await processAlive(grandchild)).toBe(false);
  });

  it("sends SIGKILL once the grace period is over, with host:pid too", async () => {
    const b = block();
    const { pids, done } = startFamily(b, family("/* ignores SIGTERM */"));
    const [child, grandchild] = await pids;
    const started = Date.now();
    await b.kill(`${os.hostname()}:${child}`, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await done).toEqual({ pid: child, exitCode: null, signal: "SIGKILL" });
    expect(await processAlive(grandchild)).toBe(false);
    expect(logged.at(-1)).toBe(`process: group ${child} still running 1s after SIGTERM, sending SIGKILL`);
  });

  it("stops the job when its AbortSignal fires", async () => {
    const controller = new AbortController();
    const b = block();
    const lines: string[] = [];
    // the handler first, then "up": the abort follows "up" at once, and a SIGTERM landing before
    // the handler exists kills with the default action (exit code null) — a flake seen under load
    const done = b.run({
      command: [
        NODE,
        "-e",
        "process.on('SIGTERM', () => process.exit(7)); console.log('up'); setInterval(() => {}, 1000)",
      ],
      env: {},
      signal: controller.signal,
      onOutput: (_s, l) => {
        lines.push(l);
        controller.abort();
      },
    });
    expect(await done).toMatchObject({ exitCode: 7 });
    expect(lines).toEqual(["up"]);
  });

  it("reports the host-qualified id kill() takes as soon as the child is up", async () => {
    const b = block();
    let id: string | undefined;
    const done = b.run({ command: [NODE, "-e", "setInterval(() => {}, 1000)"], env: {}, onStart: (i) => (id = i) });
    await expect.poll(() => id).toBeDefined();
    expect(id).toMatch(new RegExp(`^${os.hostname()}:\\d+$`));
    await b.kill(id!, 5);
    expect((await done).pid).toBe(Number(id!.split(":")[1]));
  });

  it("reports a process that is not there, or not on this host", async () => {
    const { result } = await runCollecting(block(), { command: [NODE, "-e", ""], env: {} });
    await expect(block().kill(result.pid, 1)).rejects.toThrow(InfrastructureNotFoundError);
    await expect(block().kill("elsewhere.example:1234", 1)).rejects.toThrow(
      'process: elsewhere.example:1234 runs on host "elsewhere.example", not on this one',
    );
    await expect(block().kill(1)).rejects.toThrow('process: "1" is not a process id');
  });
});
