// Loads a deployment's entrypoint `path/to/file.ts:exportName` (TypeScript or JavaScript) from the
// run's working directory and returns the flow it names.
import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { toLoadedFlow, type LoadedFlow } from "./flow-contract.js";
import { describeImportFailure } from "./import-failure.js";

/** Loading failed for a reason the deployment's author must fix (reported as the run's failure). */
export class EntrypointError extends Error {
  override name = "EntrypointError";
}

export function parseEntrypoint(entrypoint: string): { file: string; exportName: string } {
  // the last colon: the export name never has one, a Windows drive letter would
  const i = entrypoint.lastIndexOf(":");
  const file = entrypoint.slice(0, i).trim();
  const exportName = entrypoint.slice(i + 1).trim();
  if (i <= 0 || file === "" || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new EntrypointError(`entrypoint "${entrypoint}" must be path/to/file.ts:exportName`);
  }
  return { file, exportName };
}

export async function loadEntrypoint(entrypoint: string | null, directory: string): Promise<LoadedFlow> {
  if (!entrypoint) throw new EntrypointError("the deployment has no entrypoint (path/to/file.ts:exportName)");
  const { file, exportName } = parseEntrypoint(entrypoint);
  const absolute = path.resolve(directory, file);
  const isFile = await stat(absolute).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) throw new EntrypointError(`entrypoint file ${file} not found in ${directory}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (e) {
    throw new EntrypointError(`could not import ${file}: ${describeImportFailure(e)}`, { cause: e });
  }
  const loaded = toLoadedFlow(mod[exportName], exportName);
  if (typeof loaded === "string") {
    const available = Object.keys(mod).filter((k) => typeof mod[k] === "function");
    throw new EntrypointError(
      `${file}: ${loaded}${available.length ? ` (functions exported: ${available.join(", ")})` : ""}`,
    );
  }
  return loaded;
}
