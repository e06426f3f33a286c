// A storage block over a folder of the local file system: read/write single paths, and copy
// whole folders in (honouring an ignore file in gitignore syntax) and out.
import { copyFile, cp, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import ignoreImport from "ignore";
import type { ConfigOf, GetDirectory, PutDirectory, ReadPath, WritePath } from "ordo/blocks-sdk";

// `ignore` is CommonJS (`export =`): under NodeNext its default import is the module object at type level.
const ignore = ((ignoreImport as unknown as { default?: typeof ignoreImport }).default ?? ignoreImport) as typeof ignoreImport;

export const DEFAULT_IGNORE_FILE = ".ordoignore";

export const localFileSystemSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    basePath: { type: "string", minLength: 1, description: "the folder this block stores into; relative paths resolve against the working directory" },
  },
  required: ["basePath"],
  additionalProperties: false,
} as const;

export type LocalFileSystemConfig = ConfigOf<typeof localFileSystemSchema>;

export class PathOutsideBlockError extends Error {
  constructor(requested: string) {
    super(`path "${requested}" is outside the block's base path`);
    this.name = "PathOutsideBlockError";
  }
}

export class LocalFileSystem implements ReadPath, WritePath, GetDirectory, PutDirectory {
  private readonly base: string;

  constructor(config: LocalFileSystemConfig) {
    this.base = path.resolve(config.basePath);
  }

  /**
   * A path under the base path. The check is lexical ("..", absolute paths): the block confines
   * what a deployment names, it is not a sandbox against symlinks the owner placed there.
   */
  resolve(relative: string | null): string {
    const target = path.resolve(this.base, relative ?? ".");
    const rel = path.relative(this.base, target);
    if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new PathOutsideBlockError(relative ?? "");
    return target;
  }

  async readPath(relative: string): Promise<Buffer> {
    return readFile(this.resolve(relative));
  }

  async writePath(relative: string, content: Buffer | string): Promise<void> {
    const target = this.resolve(relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }

  async getDirectory(from: string | null, localPath: string): Promise<void> {
    const source = this.resolve(from);
    if (!(await stat(source)).isDirectory()) throw new Error(`"${from ?? "."}" is not a folder of this block`);
    await mkdir(localPath, { recursive: true });
    await cp(source, localPath, { recursive: true, force: true });
  }

  /**
   * `ignoreFile` is relative to `localPath` (or absolute). The default .ordoignore may be absent;
   * a file named explicitly must exist, since silently copying everything would be a surprise.
   */
  async putDirectory(localPath: string, to: string | null, ignoreFile?: string): Promise<{ files: number }> {
    const source = path.resolve(localPath);
    const destination = this.resolve(to);
    const rules = ignore();
    try {
      rules.add(await readFile(path.resolve(source, ignoreFile ?? DEFAULT_IGNORE_FILE), "utf8"));
    } catch (e) {
      if (ignoreFile !== undefined || (e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }

    let files = 0;
    // `rel` uses "/" whatever the platform: that is what gitignore patterns (and `ignore`) expect.
    const walk = async (rel: string): Promise<void> => {
      for (const entry of await readdir(path.join(source, rel), { withFileTypes: true })) {
        const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
        const from = path.join(source, relPath);
        const kind = entry.isSymbolicLink() ? await stat(from).then((s) => (s.isFile() ? "file" : "other"), () => "other") : entry.isDirectory() ? "dir" : entry.isFile() ? "file" : "other";
        if (kind === "dir") {
          // The block's folder may sit inside the source folder: never copy it into itself.
          if (from === destination || rules.ignores(`${relPath}/`)) continue;
          await walk(relPath);
        } else if (kind === "file" && !rules.ignores(relPath)) {
          const target = path.join(destination, relPath);
          await mkdir(path.dirname(target), { recursive: true });
          await copyFile(from, target);
          files += 1;
        }
      }
    };
    await walk("");
    return { files };
  }
}
