// Folder helpers for storage plugins (part of ordo/blocks-sdk): the files a put-directory copies,
// an ignore file honoured, and joins of object keys and local paths that cannot escape their base.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import ignoreImport from "ignore";

// `ignore` is CommonJS (`export =`): under NodeNext its default import is the module object at type level.
const ignore = ((ignoreImport as unknown as { default?: typeof ignoreImport }).default ??
  ignoreImport) as typeof ignoreImport;

/** The ignore file a put-directory reads from the folder it copies when none is named (gitignore syntax). */
export const DEFAULT_IGNORE_FILE = ".ordoignore";

export class PathOutsideBlockError extends Error {
  constructor(requested: string) {
    super(`path "${requested}" is outside the block's base path`);
    this.name = "PathOutsideBlockError";
  }
}

export interface LocalFile {
  /** relative to the listed folder, with "/" whatever the platform: an object key suffix */
  relativePath: string;
  absolutePath: string;
}

/**
 * The files under `localPath` a put-directory copies, skipping what the ignore file matches.
 * `ignoreFile` is relative to `localPath` (or absolute); the default .ordoignore may be absent, a
 * file named explicitly must exist (silently copying everything would be a surprise). Symlinks to
 * files are followed, other symlinks skipped; `skip` lists absolute folders never entered (a
 * destination inside the source); `rules`, gitignore text, replaces the ignore file.
 */
export async function listLocalFiles(
  localPath: string,
  ignoreFile?: string | null,
  options: { skip?: readonly string[]; rules?: string } = {},
): Promise<LocalFile[]> {
  const source = path.resolve(localPath);
  const rules = ignore();
  // rules given as text (the CLI's .ordoignore plus its exclusions) stand for the file
  if (options.rules !== undefined) rules.add(options.rules);
  else {
    try {
      rules.add(await readFile(path.resolve(source, ignoreFile ?? DEFAULT_IGNORE_FILE), "utf8"));
    } catch (e) {
      if ((ignoreFile !== undefined && ignoreFile !== null) || (e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  const skip = new Set((options.skip ?? []).map((p) => path.resolve(p)));
  const files: LocalFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(source, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relativePath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const absolutePath = path.join(source, relativePath);
      const kind = entry.isSymbolicLink()
        ? await stat(absolutePath).then(
            (s) => (s.isFile() ? "file" : "other"),
            () => "other",
          )
        : entry.isDirectory()
          ? "dir"
          : entry.isFile()
            ? "file"
            : "other";
      if (kind === "dir") {
        if (skip.has(absolutePath) || rules.ignores(`${relativePath}/`)) continue;
        await walk(relativePath);
      } else if (kind === "file" && !rules.ignores(relativePath)) {
        files.push({ relativePath, absolutePath });
      }
    }
  };
  await walk("");
  return files;
}

/**
 * `relative` (null: the root) under a key prefix ("" or null: the bucket's root), "/"-joined with
 * no leading or trailing slash. ".." may not climb above the prefix: PathOutsideBlockError.
 */
export function keyUnder(prefix: string | null | undefined, relative: string | null | undefined): string {
  const parts: string[] = [];
  for (const part of (relative ?? "").split(/[/\\]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw new PathOutsideBlockError(relative ?? "");
      parts.pop();
    } else parts.push(part);
  }
  const base = (prefix ?? "").split("/").filter((p) => p !== "" && p !== ".");
  return [...base, ...parts].join("/");
}

/**
 * Where an object's key, relative to the folder being downloaded, lands under `localPath`. A key
 * that would leave it ("../x", an absolute path) throws PathOutsideBlockError: a bucket's content
 * must never write outside the run's folder.
 */
export function localPathUnder(localPath: string, relativeKey: string): string {
  const base = path.resolve(localPath);
  const target = path.resolve(base, ...relativeKey.split("/").filter((p) => p !== ""));
  const rel = path.relative(base, target);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    throw new PathOutsideBlockError(relativeKey);
  return target;
}

export interface DownloadTarget {
  /** the object's full key */
  key: string;
  /** where it is written */
  target: string;
}

/**
 * Where each listed object (its key under `listPrefix`) lands in `localPath`: "folder/" placeholder
 * objects (consoles make them) are skipped, and every target is checked before the caller writes
 * anything — one key climbing out ("a/../../x") fails the whole copy with PathOutsideBlockError.
 */
export function downloadTargets(localPath: string, listPrefix: string, keys: Iterable<string>): DownloadTarget[] {
  const targets: DownloadTarget[] = [];
  for (const key of keys) {
    const relative = key.slice(listPrefix.length);
    if (relative === "" || relative.endsWith("/")) continue;
    targets.push({ key, target: localPathUnder(localPath, relative) });
  }
  return targets;
}

/**
 * Runs `work` over `items`, `limit` at a time (uploads and downloads of many small files); after
 * the first failure no new item starts, and that failure is thrown once the running ones settle.
 */
export async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>, limit = 8): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
