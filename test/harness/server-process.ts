// The real `npm start` entry point (`node dist/src/main.js`, built by `pretest`) in a child process with a
// given environment, as a user runs it; waitForUrl reads the "ready at" line it prints.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { eventually } from "./eventually.js";

const root = path.resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Only PATH and HOME come from the test's environment: the rest is what the test passes. */
export function startServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ["dist/src/main.js"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ORDO_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function waitForUrl(server: ServerProcess, timeoutMs = 60_000): Promise<string> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  return eventually(
    () => {
      const url = /ready at (http:\/\/\S+)/.exec(server.output())?.[1];
      if (!url && exited) throw new Error(`server did not start:\n${server.output()}`);
      return url;
    },
    { timeoutMs, what: () => `the server to start:\n${server.output()}` },
  );
}
