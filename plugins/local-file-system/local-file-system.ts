// A storage block over a folder of the local file system: read/write single paths, and copy
// whole folders in (honouring an ignore file in gitignore syntax) and out.
import { copyFile, cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  DEFAULT_IGNORE_FILE,
  listLocalFiles,
  PathOutsideBlockError,
  type ConfigOf,
  type GetDirectory,
  type PutDirectory,
  type ReadPath,
  type WritePath,
} from "ordo/blocks-sdk";

export { DEFAULT_IGNORE_FILE, PathOutsideBlockError };

export const localFileSystemSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    basePath: {
      type: "string",
      minLength: 1,
      description: "the folder this block stores into; relative paths resolve against the working directory",
    },
  },
  required: ["basePath"],
  additionalProperties: false,
} as const;

export type LocalFileSystemConfig = ConfigOf<typeof localFileSystemSchema>;

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
    if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
      throw new PathOutsideBlockError(relative ?? "");
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
    const destination = this.resolve(to);
    // the block's folder may sit inside the source folder: never copy it into itself
    const files = await listLocalFiles(localPath, ignoreFile, { skip: [destination] });
    for (const file of files) {
      const target = path.join(destination, file.relativePath);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(file.absolutePath, target);
    }
    return { files: files.length };
  }
}
