// Shared setup of the `ordo deployment` CLI tests: a real server, a scratch folder with a copy of a
// fixture project, a local-file-system block `local-file-system/code` storing into it, and the
// real binary run from the project folder.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ordo, ordoJson, type CliOptions, type CliResult } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/cli");

export interface CliWorld {
  t: TestApp;
  url: string;
  /** the scratch folder: project/ (the fixture's copy) and store/ (the block's folder) */
  tmp: string;
  project: string;
  store: string;
  /** `ordo …` from the project folder */
  run(args: string[], opts?: CliOptions): Promise<CliResult>;
  json<T = any>(args: string[], opts?: CliOptions): Promise<T>;
  close(): Promise<void>;
}

export async function cliWorld(fixture: string): Promise<CliWorld> {
  const t = await createTestApp();
  const { url } = await t.app.start();
  const tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-cli-deployment-"));
  const project = path.join(tmp, "project");
  const store = path.join(tmp, "store");
  await cp(path.join(FIXTURES, fixture), project, { recursive: true });
  await t.ok(graphql(`mutation($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }`), {
    input: { blockTypeSlug: "local-file-system", name: "code", data: { basePath: store } },
  });
  return {
    t,
    url,
    tmp,
    project,
    store,
    run: (args, opts) => ordo(url, args, { cwd: project, ...opts }),
    json: (args, opts) => ordoJson(url, args, { cwd: project, ...opts }),
    async close() {
      await t.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir`, relative, sorted ([] when it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** What a failed command must look like: non-zero, one `ordo: …` line on stderr, nothing on stdout. */
export function oneLineFailure(r: CliResult): string {
  if (r.code === 0) throw new Error(`expected a failure, got exit 0\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("ordo: ")) {
    throw new Error(
      `expected one "ordo: …" line on stderr, got (exit ${r.code}${r.signal ? `, ${r.signal}` : ""}):\n${r.stderr}\nstdout:\n${r.stdout}`,
    );
  }
  return lines[0]!.slice("ordo: ".length);
}
