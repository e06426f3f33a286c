// Reads what a deployment needs to know about its flow (name, description, version, parameter
// schema) by importing the entrypoint's module, as the executor later will.
import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { EntrypointError, parseEntrypoint } from "../../worker/executor/entrypoint.js";
import { FLOW_MARK } from "../../flow-contract.js";
import { toLoadedFlow } from "../../worker/executor/flow-contract.js";
import { describeImportFailure } from "../../worker/executor/import-failure.js";
import { registerFlowModuleHooks } from "../../worker/executor/module-hooks.js";
import { PACKAGE_ROOT } from "../../installation.js";
import { ensureTypeScriptLoader } from "../../typescript-loader.js";
import { CliError } from "../common/errors.js";

export interface FlowMetadata {
  flowName: string;
  description: string | null;
  version: string | null;
  /** JSON Schema (draft 2020-12) of the flow's one parameters object */
  parameterSchema: object;
}

/** A flow exported by a module: the export's name and the flow's own. */
export interface ExportedFlow extends FlowMetadata {
  exportName: string;
  /** a flow() from the SDK, rather than a plain function */
  sdkFlow: boolean;
}

/** What a plain function (no flow() descriptor) accepts: any parameters object. */
const ANY_PARAMETERS = { type: "object", properties: {} };

/**
 * `entrypoint` is `path/to/file.ts:exportName`, its path relative to `cwd`. Throws a CliError a
 * person can act on: no such file, the module fails to load, no such export, not a flow.
 */
export async function readFlowMetadata(entrypoint: string, cwd: string): Promise<FlowMetadata> {
  let parsed: { file: string; exportName: string };
  try {
    parsed = parseEntrypoint(entrypoint);
  } catch (e) {
    throw new CliError(e instanceof EntrypointError ? e.message : String(e));
  }
  const { file, exportName } = parsed;
  const mod = await importFlowModule(file, cwd);
  if (!(exportName in mod)) {
    const flows = exportedFlows(mod).map((f) => f.exportName);
    throw new CliError(
      `${file} has no export "${exportName}"${flows.length ? ` (it exports: ${flows.join(", ")})` : ""}`,
    );
  }
  const found = describeExport(mod[exportName], exportName);
  if (typeof found === "string") throw new CliError(`${file}: ${found}`);
  const { flowName, description, version, parameterSchema } = found;
  return { flowName, description, version, parameterSchema };
}

/** Every flow (or function) a module exports, for definitions that name a file but not an export. */
export async function listFlows(file: string, cwd: string): Promise<ExportedFlow[]> {
  return exportedFlows(await importFlowModule(file, cwd));
}

export async function importFlowModule(file: string, cwd: string): Promise<Record<string, unknown>> {
  const absolute = path.resolve(cwd, file);
  const isFile = await stat(absolute).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) throw new CliError(`${file}: no such file (looked in ${cwd})`);
  // flow files import "ordo" and may sit in a folder without node_modules or "type": "module"
  // tsx first: the hooks registered after it run before it; the installation the CLI runs from
  // provides "ordo" to flow files that have no node_modules of their own
  await ensureTypeScriptLoader();
  registerFlowModuleHooks(PACKAGE_ROOT);
  try {
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`cannot load ${file}: ${describeImportFailure(e)}`);
  }
}

/** SDK flows first, then plain functions: a file with one flow() and helper functions names that flow. */
function exportedFlows(mod: Record<string, unknown>): ExportedFlow[] {
  const all = Object.keys(mod)
    .map((name) => describeExport(mod[name], name))
    .filter((f): f is ExportedFlow => typeof f !== "string");
  return [...all.filter((f) => f.sdkFlow), ...all.filter((f) => !f.sdkFlow)];
}

function describeExport(value: unknown, exportName: string): ExportedFlow | string {
  const loaded = toLoadedFlow(value, exportName);
  if (typeof loaded === "string") return loaded;
  if (!loaded.isSdkFlow)
    return {
      exportName,
      flowName: exportName,
      description: null,
      version: null,
      parameterSchema: ANY_PARAMETERS,
      sdkFlow: false,
    };
  const options = (value as unknown as Record<symbol, { options: Record<string, unknown> }>)[FLOW_MARK]!.options;
  const schema = options.parameters;
  return {
    exportName,
    flowName: loaded.name,
    description: typeof options.description === "string" ? options.description : null,
    version: typeof options.version === "string" ? options.version : null,
    parameterSchema: typeof schema === "object" && schema !== null ? structuredClone(schema) : ANY_PARAMETERS,
    sdkFlow: true,
  };
}
