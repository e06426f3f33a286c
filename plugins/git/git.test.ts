// The git blocks against real repositories: file:// clones (branch, tag, sub-folder, commit,
// submodule, sparse checkout, .git kept or dropped), refusals, and the schemas in a real registry.
// Smart HTTP behind a token: git-http.test.ts.
import "reflect-metadata";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { PathOutsideBlockError } from "ordo/blocks-sdk";
import { BlockRegistry, InvalidBlockConfigError, LOGGER, loadPlugins } from "../../src/blocks/index.js";
import plugin, { GitCloneError, GitHubRepository, GitRepository } from "./index.js";
import { createRepository } from "./test-server.js";
import {
  exec,
  tmp,
  repo,
  logger,
  listFiles,
  withoutGit,
  exists,
  out,
  ordoGitTemps,
  failure,
  useGitRepositories,
} from "./git.fixtures.js";

useGitRepositories();

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
