// A real `npm start` server process on its own fresh database for e2e tests: GraphQL over HTTP,
// kill and restart on the same database and port, and a local-file-system block holding copies
// of the fixture flows for executors to pull.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type GraphQLClient, operationText, type Variables } from "./documents.js";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startServer, waitForUrl, type ServerProcess } from "./server-process.js";
import type { GraphQLResponse } from "./test-app.js";
import { adminHeaders, registerServerHome } from "./server-homes.js";
import { freshDatabaseUrl } from "./test-database.js";
import { killGroup } from "./worker-process.js";
import { graphql } from "./documents.js";

const FIXTURE_FLOWS = path.resolve(import.meta.dirname, "../fixtures/flows");

export interface LiveServer {
  readonly url: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** its ORDO_HOME (the local admin key is in api-key there) */
  readonly home: string;
  /** the current server process (a new one after restart()) */
  readonly process: ServerProcess;
  gql<R, V extends Variables>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  gql<T = any>(query: string, variables?: Variables): Promise<GraphQLResponse<T>>;
  /** like gql, but throws on errors */
  ok: GraphQLClient["ok"];
  /** SIGKILL: no shutdown, no cleanup, as when the machine or the container dies */
  kill(): Promise<void>;
  /** a new server process on the same database and port */
  restart(): Promise<void>;
  /** SIGTERM and wait; then removes its home folder */
  stop(): Promise<void>;
}

/** `env` adds to (or overrides) a quiet default: own database, own home, any free port, no GraphiQL. */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const databaseUrl = await freshDatabaseUrl();
  const home = await mkdtemp(path.join(os.tmpdir(), "ordo-live-"));
  const base = { ORDO_DATABASE_URL: databaseUrl, ORDO_HOME: home, ORDO_PORT: "0", ORDO_GRAPHIQL: "false", ...env };
  let proc = startServer(base);
  let url = await ready(proc);
  const port = Number(new URL(url).port);
  registerServerHome(url, home);
  const gql = async (
    operation: TypedDocumentNode<unknown, any> | string,
    variables?: Variables,
  ): Promise<GraphQLResponse<any>> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...adminHeaders(home) },
      body: JSON.stringify({ query: operationText(operation), variables }),
    });
    return (await res.json()) as GraphQLResponse<any>;
  };
  const alive = () => proc.child.exitCode === null && proc.child.signalCode === null;
  return {
    get url() {
      return url;
    },
    port,
    databaseUrl,
    home,
    get process() {
      return proc;
    },
    gql,
    async ok(operation: TypedDocumentNode<unknown, any> | string, variables?: Variables) {
      const r = await gql(operation, variables);
      if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors, null, 2)}`);
      return r.data;
    },
    async kill() {
      proc.child.kill("SIGKILL");
      await proc.exited;
    },
    async restart() {
      if (alive()) throw new Error("restart() needs the server stopped or killed first");
      proc = startServer({ ...base, ORDO_PORT: String(port) });
      url = await ready(proc);
    },
    async stop() {
      if (alive()) {
        proc.child.kill("SIGTERM");
        const timer = setTimeout(() => proc.child.kill("SIGKILL"), 15_000);
        await proc.exited;
        clearTimeout(timer);
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Its URL once it is up; a server that does not come up is not left running. */
async function ready(proc: ServerProcess): Promise<string> {
  try {
    return await waitForUrl(proc);
  } catch (e) {
    proc.child.kill("SIGKILL");
    throw e;
  }
}

/**
 * A local-file-system block named `name` whose folder holds copies of test/fixtures/flows under
 * flows/ (the executor must find the code through the block, not the repository); deployments
 * refer to it as `local-file-system/<name>/flows`. Returns the folder, to remove afterwards.
 */
export async function flowStorageBlock(server: LiveServer, name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ordo-flow-store-"));
  await cp(FIXTURE_FLOWS, path.join(dir, "flows"), { recursive: true });
  await server.ok(
    graphql(`mutation($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }`),
    {
      input: { blockTypeSlug: "local-file-system", name, data: { basePath: dir } },
    },
  );
  return dir;
}

/**
 * SIGKILL to the job process group of each run that recorded one: a worker's jobs run in their
 * own groups and outlive a worker (or a test) that died.
 */
export async function killRunJobs(server: LiveServer, runIds: string[]): Promise<void> {
  for (const id of runIds) {
    const r = await server
      .gql(graphql(`query($id: ID!) { flowRun(id: $id) { infrastructurePid } }`), { id })
      .catch(() => null);
    const pid = Number(r?.data?.flowRun?.infrastructurePid?.split(":")[1]);
    if (pid > 1) killGroup(pid);
  }
}
