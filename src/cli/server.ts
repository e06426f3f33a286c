// `ordo server start`: runs the Ordo server (`npm start`'s src/main.ts) in the foreground until
// Ctrl-C or SIGTERM, with --host/--port over the ORDO_* settings.
//
// It runs as a child process rather than imported: the CLI is a client of the API (it may not
// import the server layer, see .ci/check-layers.mjs), and every other `ordo` command stays free
// of the server's start-up cost. Prefect's `prefect server start` likewise runs uvicorn as a child.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { PACKAGE_ROOT, RUNS_COMPILED } from "../installation.js";
import { CliError } from "./common/errors.js";

/** The server's entry beside this module: dist/src/main.js when compiled, src/main.ts under tsx. */
const SERVER_ENTRY = fileURLToPath(new URL(`../main.${RUNS_COMPILED ? "js" : "ts"}`, import.meta.url));
/** tsx looks for tsconfig.json in the working directory; the server's decorators need Ordo's own. */
const TSCONFIG = path.join(PACKAGE_ROOT, "tsconfig.json");

export function registerServerCommands(program: Command): void {
  const server = program.command("server").description("the Ordo server");
  server
    .command("start")
    .description(
      "run the server in the foreground until Ctrl-C: the GraphQL API, GraphiQL and the background services, on SQLite under ORDO_HOME (~/.ordo) unless ORDO_DATABASE_URL says otherwise (other settings: ORDO_* variables, see the README)",
    )
    .option("--host <host>", "address to listen on (default: ORDO_HOST, else 127.0.0.1; 0.0.0.0 for every interface)")
    .option("--port <port>", "port to listen on, 0 for any free port (default: ORDO_PORT, else 4200)", port)
    .action((opts: { host?: string; port?: number }) => run(opts));
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535)
    throw new CliError(`--port must be a whole number from 0 to 65535, not "${value}"`);
  return n;
}

async function run(opts: { host?: string; port?: number }): Promise<void> {
  const env: NodeJS.ProcessEnv = RUNS_COMPILED ? { ...process.env } : { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG };
  if (opts.host !== undefined) env.ORDO_HOST = opts.host;
  if (opts.port !== undefined) env.ORDO_PORT = String(opts.port);
  // the sources need tsx, by absolute URL: the user's working directory need not have it installed
  const loader = RUNS_COMPILED ? [] : ["--conditions=ordo-source", "--import", import.meta.resolve("tsx")];
  const child = spawn(process.execPath, [...loader, SERVER_ENTRY], { env, stdio: "inherit" });
  // Ctrl-C reaches both processes (one terminal process group); a SIGTERM sent to `ordo` alone
  // is passed on. The server shuts down once and exits; this process then exits with its code.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", (e) => reject(new CliError(`could not start the server: ${e.message}`)));
    child.once("exit", (c, signal) => resolve(c ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGKILL" ? 9 : 15)));
  });
  // the server already printed why it stopped (bad settings, port in use…)
  process.exit(code);
}
