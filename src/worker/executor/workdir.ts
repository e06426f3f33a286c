// The folder a run's flow runs in: pull steps in a fresh temp dir, else the deployment's storage
// block copied into one, else the current directory; then the deployment's `path` under it.
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runPullSteps, type PullContext } from "./pull-steps.js";
import type { ExecutorRun } from "./run-api.js";
import type { StorageBlocks } from "./storage.js";

export interface WorkingDirectory {
  directory: string;
  /** removes the temp dir, if one was made */
  cleanup(): Promise<void>;
}

export async function prepareWorkingDirectory(
  deployment: NonNullable<ExecutorRun["deployment"]>,
  storage: StorageBlocks,
  log: (message: string) => void,
  blockData?: PullContext["blockData"],
): Promise<WorkingDirectory> {
  const steps = deployment.pullSteps;
  const hasSteps = Array.isArray(steps) ? steps.length > 0 : steps !== null && steps !== undefined;
  let temp: string | null = null;
  const cleanup = async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
  };
  try {
    let directory: string;
    if (hasSteps || deployment.storageDocument) {
      temp = await mkdtemp(path.join(os.tmpdir(), "ordo-run-"));
      if (hasSteps) {
        directory = await runPullSteps(steps, { directory: temp, storage, log, blockData });
      } else {
        const doc = deployment.storageDocument!;
        log(
          `pulling ${deployment.storagePath ? `${deployment.storagePath} of ` : ""}storage block ${doc.blockType.slug} (${doc.id}) into ${temp}`,
        );
        await storage.getDirectory(doc.id, deployment.storagePath ?? null, temp);
        directory = temp;
      }
    } else {
      // nothing to pull: the code is already here (the worker's or the job's working directory)
      directory = process.cwd();
    }
    if (deployment.path) directory = path.resolve(directory, deployment.path);
    if (
      !(await stat(directory).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      throw new Error(`working directory ${directory} does not exist`);
    return { directory, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
