// The local-file-system block on real folders: single paths, confinement to the base path, and
// put/get directory with an .ordoignore excluding files and a whole directory.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import plugin, { LocalFileSystem, PathOutsideBlockError } from "./index.js";

let tmp: string;
let block: LocalFileSystem;

/** Every file under `dir`, relative, "/"-separated, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-lfs-"));
  block = new LocalFileSystem({ basePath: path.join(tmp, "store") });
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("definition", () => {
  it("declares a protected storage type with all four storage capabilities", () => {
    const [type] = plugin.blockTypes;
    expect(type).toMatchObject({
      slug: "local-file-system",
      isProtected: true,
      capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
    });
  });
});

describe("paths", () => {
  it("writes and reads back under the base path, creating folders", async () => {
    await block.writePath("a/b/c.txt", "hello");
    await block.writePath("bin.dat", Buffer.from([0, 1, 2]));
    expect((await block.readPath("a/b/c.txt")).toString()).toBe("hello");
    expect([...(await block.readPath("bin.dat"))]).toEqual([0, 1, 2]);
    expect(await readFile(path.join(tmp, "store/a/b/c.txt"), "utf8")).toBe("hello");
  });

  it.each(["../outside.txt", "a/../../outside.txt", "/etc/passwd"])(
    "refuses %s, which escapes the base path",
    async (p) => {
      await expect(block.writePath(p, "x")).rejects.toThrow(new PathOutsideBlockError(p));
      await expect(block.readPath(p)).rejects.toThrow(PathOutsideBlockError);
    },
  );

  it("allows names that merely start with two dots", async () => {
    await block.writePath("..hidden", "ok");
    expect((await block.readPath("..hidden")).toString()).toBe("ok");
  });
});

describe("put and get directory", () => {
  const project = {
    "flow.ts": "export const f = 1;",
    "lib/util.ts": "export {};",
    "lib/debug.log": "noise",
    "notes.log": "noise",
    "keep.log": "kept by a negation",
    "node_modules/dep/index.js": "dependency",
    "node_modules/dep/package.json": "{}",
    "data/big/blob.bin": "blob",
    "data/small.csv": "a,b",
    ".env": "SECRET=1",
  };

  it("copies a folder in, excluding what .ordoignore names: files, a pattern, and whole directories", async () => {
    const src = path.join(tmp, "project");
    await writeTree(src, {
      ...project,
      ".ordoignore": "# comments and blank lines are fine\n\n*.log\n!keep.log\nnode_modules/\ndata/big/\n.env\n",
    });
    const result = await block.putDirectory(src, "deployments/v1");
    const stored = await listFiles(path.join(tmp, "store/deployments/v1"));
    expect(stored).toEqual([".ordoignore", "data/small.csv", "flow.ts", "keep.log", "lib/util.ts"]);
    expect(result).toEqual({ files: stored.length });
  });

  it("copies everything when there is no .ordoignore", async () => {
    const src = path.join(tmp, "project");
    await writeTree(src, project);
    expect(await block.putDirectory(src, null)).toEqual({ files: Object.keys(project).length });
    expect(await listFiles(path.join(tmp, "store"))).toEqual(Object.keys(project).sort());
  });

  it("takes another ignore file when named, and fails if a named one is missing", async () => {
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, "deploy.ignore": "lib\n*.csv\n" });
    await block.putDirectory(src, "x", "deploy.ignore");
    expect(await listFiles(path.join(tmp, "store/x"))).not.toContain("lib/util.ts");
    expect(await listFiles(path.join(tmp, "store/x"))).not.toContain("data/small.csv");
    await expect(block.putDirectory(src, "y", "missing.ignore")).rejects.toThrow(/ENOENT/);
  });

  it("never copies the block's own folder into itself when it sits inside the source", async () => {
    await writeTree(tmp, { "flow.ts": "x" });
    await block.writePath("earlier.txt", "already stored");
    await block.putDirectory(tmp, null);
    expect(await listFiles(path.join(tmp, "store"))).toEqual(["earlier.txt", "flow.ts"]);
  });

  it("copies a folder of the block out to a local path", async () => {
    const src = path.join(tmp, "project");
    await writeTree(src, { ...project, ".ordoignore": "node_modules/\n" });
    await block.putDirectory(src, "code");
    const out = path.join(tmp, "checkout");
    await block.getDirectory("code", out);
    expect(await listFiles(out)).toEqual(await listFiles(path.join(tmp, "store/code")));
    expect(await readFile(path.join(out, "lib/util.ts"), "utf8")).toBe("export {};");
    await block.getDirectory(null, path.join(tmp, "everything"));
    expect(await listFiles(path.join(tmp, "everything"))).toContain("code/flow.ts");
    await expect(block.getDirectory("../project", out)).rejects.toThrow(PathOutsideBlockError);
  });
});
