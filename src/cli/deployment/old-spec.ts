// The older DeploymentSpec shape (flow_location, flow_name, schedule, tags, parameters,
// flow_storage, infrastructure or the beta flow_runner, infra_overrides): the flow file is loaded to learn the flow, its folder is the code (uploaded to
// flow_storage when there is one, read in place otherwise), as Prefect's `deployment create` did.
import path from "node:path";
import type { YamlDocument } from "../common/yaml-file.js";
import { CliError } from "../common/errors.js";
import { listFlows, type ExportedFlow } from "./flow-metadata.js";
import { infrastructureSpec } from "./flow-runner.js";
import { expandDotKeys, mergeDeep } from "./job-variables.js";
import type { DeploymentPlan } from "./plans.js";
import { scheduleInput } from "./schedules.js";
import type { OldSpecFile } from "./spec-files.js";
import { hashFiles, listUploadFiles } from "./upload.js";

export async function planFromOldSpec(spec: OldSpecFile, doc: YamlDocument): Promise<DeploymentPlan> {
  // flow_location is relative to the file that names it, so `apply` works from any folder
  const flowFile = path.resolve(path.dirname(path.resolve(doc.file)), spec.flow_location);
  const codeDir = path.dirname(flowFile);
  const fileName = path.basename(flowFile);
  const flow = pickFlow(await inPlace(doc.locate(["flow_location"]), () => listFlows(fileName, codeDir)), spec, doc);

  const storage = spec.flow_storage ?? null;
  const infrastructure = infrastructureSpec(spec.infrastructure, spec.flow_runner, (field) => doc.locate([field]));
  // the deployment file itself may sit in the uploaded folder; it is not the flow's code
  const ownFile = path.relative(codeDir, path.resolve(doc.file));
  const exclude = ownFile.startsWith("..") ? [] : [ownFile.split(path.sep).join("/")];
  const version =
    spec.version ?? flow.version ?? (await hashFiles(codeDir, await listUploadFiles(codeDir, { exclude })));
  const schedules = spec.schedule
    ? [{ input: scheduleInput(spec.schedule, doc.locate(["schedule"])), where: doc.locate(["schedule"]) }]
    : [];
  return {
    where: doc.locate([]),
    slug: `${flow.flowName}/${spec.name}`,
    input: {
      flowName: flow.flowName,
      name: spec.name,
      description: spec.description ?? flow.description,
      version,
      tags: spec.tags ?? [],
      parameters: spec.parameters ?? {},
      parameterOpenapiSchema: flow.parameterSchema,
      entrypoint: `${fileName}:${flow.exportName}`,
      // stored code is pulled into a fresh folder; without storage the code is read where it is
      path: storage ? null : codeDir,
      schedules: schedules.map((s) => s.input),
      ...(spec.job_variables !== undefined || spec.infra_overrides !== undefined
        ? {
            jobVariables: mergeDeep(
              expandDotKeys(spec.job_variables ?? {}, doc.locate(["job_variables"])),
              expandDotKeys(spec.infra_overrides ?? {}, doc.locate(["infra_overrides"])),
            ),
          }
        : {}),
      ...(spec.work_pool_name !== undefined ? { workPoolName: spec.work_pool_name } : {}),
      ...(spec.work_queue_name !== undefined ? { workQueueName: spec.work_queue_name } : {}),
    },
    storage: { spec: storage, where: doc.locate(["flow_storage"]) },
    ...(infrastructure ? { infrastructure } : {}),
    schedules,
    upload: storage ? { dir: codeDir, exclude } : null,
  };
}

/** flow_name picks among the file's flows (by flow name, or export name); without it the file must define one. */
function pickFlow(flows: ExportedFlow[], spec: OldSpecFile, doc: YamlDocument): ExportedFlow {
  const names = flows
    .map((f) => (f.flowName === f.exportName ? f.flowName : `${f.flowName} (export ${f.exportName})`))
    .join(", ");
  if (spec.flow_name !== undefined) {
    const found =
      flows.find((f) => f.sdkFlow && f.flowName === spec.flow_name) ??
      flows.find((f) => f.exportName === spec.flow_name);
    if (!found)
      throw new CliError(
        `${doc.locate(["flow_name"])}: ${spec.flow_location} defines no flow named "${spec.flow_name}"${names ? ` (it defines: ${names})` : ""}`,
      );
    return found;
  }
  const sdkFlows = flows.filter((f) => f.sdkFlow);
  const candidates = sdkFlows.length > 0 ? sdkFlows : flows;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0)
    throw new CliError(
      `${doc.locate(["flow_location"])}: ${spec.flow_location} exports no flow (flow() from "ordo") or function`,
    );
  throw new CliError(
    `${doc.locate(["flow_location"])}: ${spec.flow_location} defines several flows (${names}): say which with flow_name`,
  );
}

async function inPlace<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`${where}: ${e.message}`);
    throw e;
  }
}
