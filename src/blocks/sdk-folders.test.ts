// The SDK's folder helpers storage plugins share: the upload file list and the joins that keep keys
// and downloads inside their base.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  downloadTargets,
  eachLimited,
  keyUnder,
  listLocalFiles,
  localPathUnder,
  PathOutsideBlockError,
} from "./sdk-folders.js";

describe("listLocalFiles", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ordo-sdk-folders-"));
    for (const f of [
      "flow.ts",
      "lib/util.ts",
      "lib/notes.log",
      "node_modules/x/index.js",
      "out/build.txt",
      "custom.ignore",
    ]) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), f);
    }
    await writeFile(path.join(dir, ".ordoignore"), "node_modules/\n*.log\n");
    await writeFile(path.join(dir, "custom.ignore"), "lib/\n");
    await symlink(path.join(dir, "flow.ts"), path.join(dir, "link.ts"));
    await symlink(path.join(dir, "lib"), path.join(dir, "lib-link"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lists files with '/' paths in a stable order, honouring .ordoignore, following file links only", async () => {
    const files = await listLocalFiles(dir);
    expect(files.map((f) => f.relativePath)).toEqual([
      ".ordoignore",
      "custom.ignore",
      "flow.ts",
      "lib/util.ts",
      "link.ts",
      "out/build.txt",
    ]);
    expect(files[2]!.absolutePath).toBe(path.join(dir, "flow.ts"));
  });

  it("takes a named ignore file instead, which must exist, and skips folders it is told to", async () => {
    expect(
      (await listLocalFiles(dir, "custom.ignore", { skip: [path.join(dir, "out")] })).map((f) => f.relativePath),
    ).toEqual([".ordoignore", "custom.ignore", "flow.ts", "link.ts", "node_modules/x/index.js"]);
    await expect(listLocalFiles(dir, "missing.ignore")).rejects.toThrow(/ENOENT/);
  });
});

describe("keyUnder and localPathUnder", () => {
  it("joins keys under a prefix, resolving '..' inside it and refusing to climb out", () => {
    expect(keyUnder("flows/prod/", "a/b.txt")).toBe("flows/prod/a/b.txt");
    expect(keyUnder(null, "./a//b/../c")).toBe("a/c");
    expect(keyUnder("p", null)).toBe("p");
    expect(keyUnder("", "")).toBe("");
    expect(() => keyUnder("p", "../q")).toThrow(PathOutsideBlockError);
    expect(() => keyUnder("p", "a/../../q")).toThrow('path "a/../../q" is outside the block\'s base path');
  });

  it("places a key under the local folder and refuses keys that would leave it", () => {
    expect(localPathUnder("/tmp/run", "a/b.txt")).toBe(path.resolve("/tmp/run/a/b.txt"));
    expect(localPathUnder("/tmp/run", "/a/b.txt")).toBe(path.resolve("/tmp/run/a/b.txt"));
    for (const key of ["../etc/passwd", "a/../../x", "", "."])
      expect(() => localPathUnder("/tmp/run", key), key).toThrow(PathOutsideBlockError);
  });
});

describe("downloadTargets and eachLimited", () => {
  it("places listed keys under the folder, skipping placeholders, and refuses the whole list for one key that climbs out", () => {
    expect(downloadTargets("/tmp/run", "code/", ["code/", "code/a.ts", "code/lib/", "code/lib/b.ts"])).toEqual([
      { key: "code/a.ts", target: path.resolve("/tmp/run/a.ts") },
      { key: "code/lib/b.ts", target: path.resolve("/tmp/run/lib/b.ts") },
    ]);
    expect(() => downloadTargets("/tmp/run", "code/", ["code/a.ts", "code/../../etc/x"])).toThrow(
      PathOutsideBlockError,
    );
  });

  it("runs at most `limit` at once, and after a failure starts nothing new and throws it", async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const work = async (n: number) => {
      started.push(n);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      if (n === 3) throw new Error("item 3 failed");
    };
    await expect(eachLimited([1, 2, 3, 4, 5, 6, 7, 8, 9], work, 2)).rejects.toThrow("item 3 failed");
    expect(peak).toBe(2);
    expect(started.length).toBeLessThan(9);
    await eachLimited([], work);
  });
});
