// The git blocks over git's smart HTTP behind a token: right, wrong, none — never hanging, never
// leaking the token into argv, URLs, errors or logs.
import "reflect-metadata";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GitCloneError, GitHubRepository, GitRepository } from "./index.js";
import {
  TOKEN,
  tmp,
  repo,
  server,
  logged,
  logger,
  listFiles,
  exists,
  out,
  ordoGitTemps,
  failure,
  useGitRepositories,
} from "./git.fixtures.js";

useGitRepositories();

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
