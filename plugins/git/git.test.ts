// The git blocks against real repositories: file:// clones (branch, tag, sub-folder, commit,
// submodule, sparse checkout, .git kept or dropped), git's smart HTTP behind a token (right, wrong,
// none — never hanging, never leaking the token), refusals, and the schemas in a real registry.
import "reflect-metadata";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { container as rootContainer } from "tsyringe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PathOutsideBlockError } from "ordo/blocks-sdk";
import {
  BlockRegistry,
  InvalidBlockConfigError,
  LOGGER,
  loadPlugins,
  type BlockLogger,
} from "../../src/blocks/index.js";
import plugin, { GitCloneError, GitHubRepository, GitRepository } from "./index.js";
import { createRepository, startGitHttpServer, type GitHttpServer, type TestRepository } from "./test-server.js";

const exec = promisify(execFile);
const TOKEN = "ghp_T0kenForOrdoGitTests_5ecr3t";

let tmp: string;
let repo: TestRepository;
let server: GitHttpServer;
const logged: string[] = [];
const logger: BlockLogger = {
  debug: (m) => logged.push(m),
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}
const withoutGit = (files: string[]) =>
  files.filter((f) => !f.startsWith(".git/") && !f.includes("/.git/") && !f.endsWith(".git"));
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const out = async (name: string) => {
  const dir = path.join(tmp, "out", name);
  await mkdir(dir, { recursive: true });
  return dir;
};
const ordoGitTemps = async () => (await readdir(os.tmpdir())).filter((n) => n.startsWith("ordo-git-")).sort();

/** The message of the error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-git-test-"));
  repo = await createRepository(path.join(tmp, "repos", "demo"), undefined, { submodule: true });
  server = await startGitHttpServer({ projectRoot: path.join(tmp, "repos"), token: TOKEN });
});

afterAll(async () => {
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe("the plugin definition", () => {
  it("declares two get-directory types and two credentials types with no capability", () => {
    expect(plugin.blockTypes.map((t) => [t.slug, t.capabilities])).toEqual([
      ["github", ["get-directory"]],
      ["git-repository", ["get-directory"]],
      ["github-credentials", []],
      ["git-credentials", []],
    ]);
  });
});

describe("github over file://", () => {
  it("clones main, shallow, keeping .git by default", async () => {
    const dest = await out("main");
    await new GitHubRepository({ repository: repo.url }, { logger }).getDirectory(null, dest);
    expect(withoutGit(await listFiles(dest))).toEqual([
      ".gitmodules",
      "CHANGELOG.md",
      "README.md",
      "docs/guide.md",
      "flows/hello.py",
      "flows/lib/util.py",
    ]);
    expect(await readFile(path.join(dest, "README.md"), "utf8")).toBe("# demo, second commit\n");
    const { stdout: head } = await exec("git", ["-C", dest, "rev-parse", "HEAD"]);
    expect(head.trim()).toBe(repo.commits.main);
    const { stdout: count } = await exec("git", ["-C", dest, "rev-list", "--count", "HEAD"]);
    expect(count.trim()).toBe("1");
    // submodules stay empty unless asked for
    expect(await readdir(path.join(dest, "libs/shared"))).toEqual([]);
  });

  it("clones a tag and a branch", async () => {
    const tagged = await out("tag");
    await new GitHubRepository({ repository: repo.url, reference: repo.tag }, { logger }).getDirectory(null, tagged);
    expect(await readFile(path.join(tagged, "README.md"), "utf8")).toBe("# demo\n");
    expect(await exists(path.join(tagged, "CHANGELOG.md"))).toBe(false);
    const branch = await out("branch");
    await new GitHubRepository({ repository: repo.url, reference: repo.otherBranch }, { logger }).getDirectory(
      null,
      branch,
    );
    expect(await readFile(path.join(branch, "feature.txt"), "utf8")).toBe("feature\n");
  });

  it("copies only the sub-folder named by `from`, without .git", async () => {
    const dest = await out("from");
    await new GitHubRepository({ repository: repo.url }, { logger }).getDirectory("flows", dest);
    expect(await listFiles(dest)).toEqual(["hello.py", "lib/util.py"]);
  });

  it("drops .git (the submodule's too) when include_git_objects is false, and fetches submodules when asked", async () => {
    const dest = await out("no-git");
    await new GitHubRepository(
      { repository: repo.url, include_git_objects: false, include_submodules: true },
      { logger },
    ).getDirectory(null, dest);
    const files = await listFiles(dest);
    expect(files).toContain("libs/shared/shared.py");
    expect(
      files.filter((f) => f === ".git" || f.startsWith(".git/") || f.endsWith("/.git") || f.includes("/.git/")),
    ).toEqual([]);
    expect(await exists(path.join(dest, ".git"))).toBe(false);
  });

  it("fetches the whole history with depth 0", async () => {
    const dest = await out("full");
    await new GitHubRepository({ repository: repo.url, depth: 0 }, { logger }).getDirectory(null, dest);
    const { stdout } = await exec("git", ["-C", dest, "rev-list", "--count", "HEAD"]);
    expect(stdout.trim()).toBe("2");
  });

  it("refuses a `from` that leaves the repository, before cloning and leaving no temporary folder", async () => {
    const before = await ordoGitTemps();
    const block = new GitHubRepository({ repository: repo.url }, { logger });
    await expect(block.getDirectory("../x", await out("escape"))).rejects.toThrow(PathOutsideBlockError);
    await expect(block.getDirectory("flows/../../x", await out("escape"))).rejects.toThrow(PathOutsideBlockError);
    expect(await ordoGitTemps()).toEqual(before);
  });

  it("names the block and repository when `from` is missing, and removes its temporary folder", async () => {
    const before = await ordoGitTemps();
    const e = await failure(
      new GitHubRepository({ repository: repo.url }, { logger }).getDirectory("nope", await out("missing")),
    );
    expect(e).toBeInstanceOf(GitCloneError);
    expect(e.message).toBe(`github block (repository ${repo.url}): "nope" is not a folder of the repository`);
    expect(await ordoGitTemps()).toEqual(before);
  });

  it("names the block, repository and reference when the reference does not exist", async () => {
    const e = await failure(
      new GitHubRepository({ repository: repo.url, reference: "no-such-branch" }, { logger }).getDirectory(
        null,
        await out("no-ref"),
      ),
    );
    expect(e.message).toContain(`github block (repository ${repo.url}, reference no-such-branch): git clone failed:`);
    expect(e.message).toMatch(/no-such-branch/);
  });
});

describe("git-repository over file://", () => {
  it("checks out a commit with a shallow fetch of just that commit", async () => {
    const dest = await out("commit");
    await new GitRepository({ url: repo.url, commit_sha: repo.commits.first }, { logger }).getDirectory(null, dest);
    expect(await readFile(path.join(dest, "README.md"), "utf8")).toBe("# demo\n");
    const { stdout } = await exec("git", ["-C", dest, "rev-parse", "HEAD"]);
    expect(stdout.trim()).toBe(repo.commits.first);
  });

  it("finds an abbreviated commit in the whole history", async () => {
    const dest = await out("short-commit");
    await new GitRepository({ url: repo.url, commit_sha: repo.commits.feature.slice(0, 10) }, { logger }).getDirectory(
      null,
      dest,
    );
    expect(await readFile(path.join(dest, "feature.txt"), "utf8")).toBe("feature\n");
  });

  it("names the commit when it does not exist", async () => {
    const e = await failure(
      new GitRepository(
        { url: repo.url, commit_sha: "0123456789abcdef0123456789abcdef01234567" },
        { logger },
      ).getDirectory(null, await out("bad-commit")),
    );
    expect(e.message).toBe(
      `git-repository block (repository ${repo.url}, commit 0123456789abcdef0123456789abcdef01234567): the commit is not in the repository's history`,
    );
  });

  it("takes Prefect 3's `branch` and a sparse checkout of `directories`", async () => {
    const dest = await out("sparse");
    await new GitRepository(
      { url: repo.url, branch: repo.otherBranch, directories: ["flows"], include_git_objects: false },
      { logger },
    ).getDirectory(null, dest);
    const files = await listFiles(dest);
    expect(files).toContain("flows/lib/util.py");
    expect(files).toContain("feature.txt");
    expect(files).not.toContain("docs/guide.md");
  });

  it("checks out a commit with its submodules", async () => {
    const dest = await out("commit-submodules");
    await new GitRepository(
      { url: repo.url, commit_sha: repo.commits.main, include_submodules: true },
      { logger },
    ).getDirectory("libs", dest);
    expect(await listFiles(dest)).toContain("shared/shared.py");
  });
});

describe("smart HTTP behind a token", () => {
  it("clones with the right token: sent as a header scoped to the server, never in argv or a URL", async () => {
    const dest = await out("http-ok");
    const first = server.requests.length;
    const trace = path.join(tmp, "trace.txt");
    const curlTrace = path.join(tmp, "curl-trace.txt");
    // git's own traces: the commands it runs (argv) and the HTTP exchange
    const saved = { GIT_TRACE: process.env.GIT_TRACE, GIT_TRACE_CURL: process.env.GIT_TRACE_CURL };
    Object.assign(process.env, { GIT_TRACE: trace, GIT_TRACE_CURL: curlTrace });
    try {
      await new GitHubRepository({ repository: server.url("demo"), access_token: TOKEN }, { logger }).getDirectory(
        "flows",
        dest,
      );
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    expect(await listFiles(dest)).toEqual(["hello.py", "lib/util.py"]);
    // the credentials went with the very first request: no 401 round trip
    expect(server.requests.length).toBeGreaterThan(first);
    expect(server.requests.slice(first).every((r) => r.authorized)).toBe(true);
    const traces = (await readFile(trace, "utf8")) + (await readFile(curlTrace, "utf8"));
    expect(traces).toContain("git-remote-http origin http://127.0.0.1:");
    expect(traces).toContain("Authorization: Basic <redacted>");
    for (const form of [TOKEN, Buffer.from(`git:${TOKEN}`).toString("base64")]) expect(traces).not.toContain(form);
    expect(logged.join("\n")).not.toContain(TOKEN);
  });

  it("drops a token written into the URL from the copied .git/config", async () => {
    const dest = await out("http-url-ok");
    await new GitRepository(
      { url: server.url("demo").replace("http://", `http://user:${TOKEN}@`) },
      { logger },
    ).getDirectory(null, dest);
    expect(await readFile(path.join(dest, ".git/config"), "utf8")).toContain(`url = ${server.url("demo")}\n`);
    expect(await readFile(path.join(dest, ".git/config"), "utf8")).not.toContain(TOKEN);
  });

  it("clones with git-repository credentials (username and password, or a token) and a commit over protocol v2", async () => {
    const a = await out("http-creds");
    await new GitRepository(
      { url: server.url("demo"), credentials: { username: "someone", password: TOKEN } },
      { logger },
    ).getDirectory(null, a);
    expect(await exists(path.join(a, "flows/hello.py"))).toBe(true);
    const b = await out("http-commit");
    await new GitRepository(
      {
        url: server.url("demo"),
        commit_sha: repo.commits.first,
        credentials: { token: TOKEN },
        include_submodules: true,
      },
      { logger },
    ).getDirectory(null, b);
    expect(await readFile(path.join(b, "README.md"), "utf8")).toBe("# demo\n");
  });

  it("fails with a wrong token: the message names the block and repository and holds no form of the token", async () => {
    const wrong = "ghp_WrongTokenValue_9876543210";
    const before = await ordoGitTemps();
    const e = await failure(
      new GitHubRepository({ repository: server.url("demo"), access_token: wrong }, { logger }).getDirectory(
        null,
        await out("http-wrong"),
      ),
    );
    expect(e).toBeInstanceOf(GitCloneError);
    expect(e.message).toContain(`github block (repository ${server.url("demo")}): git clone failed:`);
    expect(e.message).toContain("the server refused the block's credentials");
    for (const form of [
      wrong,
      Buffer.from(`x-access-token:${wrong}`).toString("base64"),
      Buffer.from(`git:${wrong}`).toString("base64"),
      TOKEN,
    ])
      expect(e.message).not.toContain(form);
    expect(logged.join("\n")).not.toContain(wrong);
    expect(await ordoGitTemps()).toEqual(before);
  }, 20_000);

  it("hides a token written into the URL itself", async () => {
    const wrong = "WrongPasswordInTheUrl_42";
    const url = server.url("demo").replace("http://", `http://user:${wrong}@`);
    const e = await failure(new GitRepository({ url }, { logger }).getDirectory(null, await out("http-url-token")));
    expect(e.message).toContain(`git-repository block (repository ${server.url("demo")}): git `);
    expect(e.message).toContain("the server refused the block's credentials");
    expect(e.message).not.toContain(wrong);
    expect(logged.join("\n")).not.toContain(wrong);
  }, 20_000);

  it("fails fast without a token: no prompt to hang on, not even an askpass program the host set", async () => {
    // an askpass program that would hang the clone if git were allowed to run it
    const askpass = path.join(tmp, "askpass.sh");
    await writeFile(askpass, "#!/bin/sh\nsleep 30\necho nobody\n", { mode: 0o755 });
    const saved = { GIT_ASKPASS: process.env.GIT_ASKPASS, SSH_ASKPASS: process.env.SSH_ASKPASS };
    Object.assign(process.env, { GIT_ASKPASS: askpass, SSH_ASKPASS: askpass });
    const started = Date.now();
    let e: Error;
    try {
      e = await failure(
        new GitHubRepository({ repository: server.url("demo") }, { logger }).getDirectory(null, await out("http-none")),
      );
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e.message).toContain(`github block (repository ${server.url("demo")}): git clone failed:`);
    expect(e.message).toContain("the repository needs credentials, and the block has none: ");
    expect(e.message).toMatch(/terminal prompts disabled/);
  }, 15_000);

  it("refuses a token over plain http to another machine, or with a non-http URL, before running git", async () => {
    const e1 = await failure(
      new GitHubRepository(
        { repository: "http://git.example.com/o/r.git", access_token: TOKEN },
        { logger },
      ).getDirectory(null, await out("plain")),
    );
    expect(e1).toBeInstanceOf(GitCloneError);
    expect(e1.message).toBe(
      "github block (repository http://git.example.com/o/r.git): refusing to send a token over plain http to git.example.com; use https://",
    );
    const e2 = await failure(
      new GitHubRepository({ repository: "git@github.com:o/r.git", access_token: TOKEN }, { logger }).getDirectory(
        null,
        await out("ssh"),
      ),
    );
    expect(e2.message).toBe(
      "github block (repository git@github.com:o/r.git): a token needs an https:// repository URL",
    );
  });
});

describe("the schemas in a real registry", () => {
  it("loads as a package, by its package.json marker", async () => {
    const loaded = await loadPlugins({
      builtinDir: null,
      nodeModulesDir: null,
      packages: [path.dirname(fileURLToPath(import.meta.url))],
    });
    expect(loaded.list().map((t) => [t.slug, t.plugin])).toEqual([
      ["github", "@ordo/plugin-git"],
      ["git-repository", "@ordo/plugin-git"],
      ["github-credentials", "@ordo/plugin-git"],
      ["git-credentials", "@ordo/plugin-git"],
    ]);
  });

  const registry = new BlockRegistry();
  registry.register(plugin, { name: "@ordo/plugin-git", version: "0.1.0" });
  const c = rootContainer.createChildContainer();
  c.registerInstance(LOGGER, logger);

  it("marks the secret fields", () => {
    expect(registry.get("github").secretFields).toEqual(["access_token"]);
    expect(registry.get("git-repository").secretFields).toEqual(["credentials"]);
    expect(registry.get("github-credentials").secretFields).toEqual(["token"]);
    expect(registry.get("git-credentials").secretFields).toEqual(["password", "token"]);
  });

  it("accepts Prefect's documents, nulls included, and builds the blocks", () => {
    const prefect2 = {
      repository: "https://github.com/o/r.git",
      reference: null,
      access_token: null,
      include_git_objects: true,
    };
    expect(registry.validate("github", prefect2)).toEqual([]);
    expect(registry.createInstance("github", prefect2, c)).toBeInstanceOf(GitHubRepository);
    const prefect3 = {
      url: "https://github.com/o/r.git",
      branch: "dev",
      credentials: { access_token: "x" },
      include_submodules: true,
      directories: ["flows"],
      commit_sha: null,
    };
    expect(registry.createInstance("git-repository", prefect3, c)).toBeInstanceOf(GitRepository);
    expect(registry.validate("git-credentials", { username: "me", token: "t" })).toEqual([]);
  });

  it.each([
    ["github", {}, "/repository"],
    ["github", { repository: "" }, "/repository"],
    ["github", { repository: "--upload-pack=touch /tmp/x" }, "/repository"],
    ["github", { repository: "https://x/r", depth: -1 }, "/depth"],
    ["github", { repository: "https://x/r", reference: "-b" }, "/reference"],
    ["github", { repository: "https://x/r", token: "t" }, "/token"],
    ["git-repository", { url: "https://x/r", commit_sha: "not-a-sha" }, "/commit_sha"],
    ["git-repository", { url: "https://x/r", credentials: { secret: "s" } }, "/credentials/secret"],
    ["git-repository", { url: "https://x/r", reference: "a", branch: "b" }, ""],
    ["git-repository", { url: "https://x/r", directories: [] }, "/directories"],
    ["github-credentials", {}, "/token"],
    ["git-credentials", { username: "me" }, ""],
  ])("refuses a bad %s configuration %j", (slug, config, pathOf) => {
    const issues = registry.validate(slug, config);
    expect(issues.map((i) => i.path)).toContain(pathOf);
    expect(() => registry.createInstance(slug, config, c)).toThrow(InvalidBlockConfigError);
  });
});

it("createRepository takes the files it commits", async () => {
  const r = await createRepository(path.join(tmp, "repos", "custom"), { "a/b.txt": "b" });
  const dest = await out("custom");
  await new GitHubRepository({ repository: r.url, include_git_objects: false }, { logger }).getDirectory(null, dest);
  expect(await listFiles(dest)).toEqual(["CHANGELOG.md", "README.md", "a/b.txt"]);
});
