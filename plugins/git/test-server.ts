// For tests (not published): real git repositories made with the git CLI, and git's smart HTTP
// protocol served by `git http-backend` behind a Node server that requires a token (HTTP Basic).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** The files a repository gets when none are given: top-level files and two folders. */
export const DEFAULT_FILES: Readonly<Record<string, string>> = {
  "README.md": "# demo\n",
  "flows/hello.py": "print('hello')\n",
  "flows/lib/util.py": "VALUE = 1\n",
  "docs/guide.md": "a guide\n",
};

export interface TestRepository {
  /** the working repository (non-bare) */
  dir: string;
  /** file:// URL of `dir` */
  url: string;
  /** its folder name: what startGitHttpServer's url() takes when it serves dir's parent */
  name: string;
  branch: "main";
  /** annotated tag on the first commit */
  tag: string;
  /** a second branch, from main, with one more commit adding feature.txt */
  otherBranch: string;
  commits: { first: string; main: string; feature: string };
  /** present with `submodule: true`: the submodule's repository, beside `dir`, mounted at libs/shared */
  submodule?: { dir: string; path: string };
}

const IDENTITY = [
  "-c",
  "user.name=Ordo Test",
  "-c",
  "user.email=test@ordo.invalid",
  "-c",
  "commit.gpgsign=false",
  "-c",
  "tag.gpgsign=false",
  "-c",
  "init.defaultBranch=main",
];

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec("git", [...IDENTITY, ...args], {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
  return stdout.trim();
}

async function writeFiles(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
}

/**
 * A real repository in `dir`: `files` committed on main ("first", tagged v1.0), then a second commit
 * on main (README.md changed, CHANGELOG.md added), and a branch `feature` from it adding
 * feature.txt. With `submodule`, a repository `<dir>-shared` beside it is added at libs/shared by
 * the relative URL ../<name>-shared, so it resolves over file:// and HTTP alike.
 */
export async function createRepository(
  dir: string,
  files: Readonly<Record<string, string>> = DEFAULT_FILES,
  options: { submodule?: boolean } = {},
): Promise<TestRepository> {
  await mkdir(dir, { recursive: true });
  await git(dir, "init", "--quiet", "-b", "main");
  await writeFiles(dir, files);
  await git(dir, "add", "-A");
  await git(dir, "commit", "--quiet", "-m", "first");
  const first = await git(dir, "rev-parse", "HEAD");
  await git(dir, "tag", "-a", "v1.0", "-m", "version 1.0");

  await writeFiles(dir, { "README.md": "# demo, second commit\n", "CHANGELOG.md": "- second\n" });
  let submodule: TestRepository["submodule"];
  if (options.submodule) {
    const subDir = `${dir}-shared`;
    await mkdir(subDir, { recursive: true });
    await git(subDir, "init", "--quiet", "-b", "main");
    await writeFiles(subDir, { "shared.py": "SHARED = True\n" });
    await git(subDir, "add", "-A");
    await git(subDir, "commit", "--quiet", "-m", "shared");
    // without a remote, a relative URL resolves against the superproject's own folder
    await git(
      dir,
      "-c",
      "protocol.file.allow=always",
      "submodule",
      "--quiet",
      "add",
      `../${path.basename(subDir)}`,
      "libs/shared",
    );
    submodule = { dir: subDir, path: "libs/shared" };
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "--quiet", "-m", "second");
  const main = await git(dir, "rev-parse", "HEAD");

  await git(dir, "checkout", "--quiet", "-b", "feature");
  await writeFiles(dir, { "feature.txt": "feature\n" });
  await git(dir, "add", "-A");
  await git(dir, "commit", "--quiet", "-m", "feature");
  const feature = await git(dir, "rev-parse", "HEAD");
  await git(dir, "checkout", "--quiet", "main");

  return {
    dir,
    url: pathToFileURL(dir).href,
    name: path.basename(dir),
    branch: "main",
    tag: "v1.0",
    otherBranch: "feature",
    commits: { first, main, feature },
    submodule,
  };
}

export interface GitHttpServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** the URL of a repository under projectRoot, without credentials */
  url(repoName: string): string;
  /** every request: method, path, and whether its credentials were accepted */
  requests: { method: string; path: string; authorized: boolean }[];
  stop(): Promise<void>;
}

/** Whether the Authorization header is HTTP Basic with the token as its password or its username. */
function authorized(header: string | undefined, token: string): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const [user, password] = colon < 0 ? [decoded, ""] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return password === token || user === token;
}

/**
 * git's smart HTTP for the repositories under `projectRoot` (each folder a repository, bare or
 * not): one `git http-backend` CGI process per request, behind a server on 127.0.0.1 that answers
 * 401 with WWW-Authenticate unless HTTP Basic carries `token` (as password or username).
 */
export async function startGitHttpServer(options: { projectRoot: string; token: string }): Promise<GitHttpServer> {
  const requests: GitHttpServer["requests"] = [];
  const children = new Set<ChildProcess>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ok = authorized(req.headers.authorization, options.token);
    requests.push({ method: req.method ?? "GET", path: url.pathname, authorized: ok });
    if (!ok) {
      req.resume();
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="ordo git test"', "Content-Type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_PROJECT_ROOT: path.resolve(options.projectRoot),
      GIT_HTTP_EXPORT_ALL: "1",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      REQUEST_METHOD: req.method ?? "GET",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_USER: "ordo-test",
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    };
    if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
    // git compresses large request bodies; http-backend inflates them itself
    if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = req.headers["content-encoding"];
    // protocol v2 (fetching a commit by id) is negotiated through this header
    const protocol = req.headers["git-protocol"];
    if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;

    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    child.on("exit", () => children.delete(child));
    req.pipe(child.stdin);
    child.stdin.on("error", () => undefined);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));

    // the CGI response: header lines, a blank line, then the body streamed through
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf("\r\n\r\n");
      const lf = head.indexOf("\n\n");
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sep = end === crlf ? 4 : 2;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + sep));
    });
    child.stdout.on("end", () => {
      if (!headersDone) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`git http-backend failed: ${stderr}`);
      } else res.end();
    });
    child.on("error", (e) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    url: (repoName) => `${endpoint}/${repoName}`,
    requests,
    stop: async () => {
      for (const child of children) child.kill("SIGKILL");
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
