// Deployment definition files → plans: every deployment a TypeScript/JavaScript file exports
// (spec-code.ts), every YAML document of every file, validated against its
// shape (build's deployment.yaml, or the older DeploymentSpec one) with problems reported at their
// file and line, before anything reaches the server.
import path from "node:path";
import { CliError } from "../common/errors.js";
import { documentProblems, readYamlFile, type YamlDocument } from "../common/yaml-file.js";
import { planFromDeploymentFile } from "./deployment-file.js";
import { planFromOldSpec } from "./old-spec.js";
import { CODE_FILE, plansFromCode } from "./spec-code.js";
import type { DeploymentPlan } from "./plans.js";
import { deploymentFileSchema, isOldSpec, oldSpecSchema, type DeploymentFile, type OldSpecFile } from "./spec-files.js";

export interface LoadOptions {
  /** upload the current folder to each build-shaped deployment's storage (apply --upload) */
  upload: boolean;
  cwd: string;
}

export async function loadPlans(files: string[], options: LoadOptions): Promise<DeploymentPlan[]> {
  const plans: DeploymentPlan[] = [];
  for (const file of files) {
    if (CODE_FILE.test(file)) {
      plans.push(...(await plansFromCode(file, options.cwd)));
      continue;
    }
    const docs = await readYamlFile(file);
    if (docs.length === 0) throw new CliError(`${file}: no deployment definitions in it`);
    for (const doc of docs) plans.push(await planFromDocument(doc, options));
  }
  return plans;
}

async function planFromDocument(doc: YamlDocument, options: LoadOptions): Promise<DeploymentPlan> {
  if (typeof doc.value !== "object" || doc.value === null || Array.isArray(doc.value)) {
    throw new CliError(
      `${doc.locate([])}: a deployment definition is a mapping of fields (name: …, flow_name: …), not ${Array.isArray(doc.value) ? "a list" : `a ${typeof doc.value}`}`,
    );
  }
  if (isOldSpec(doc.value)) {
    validate(doc, oldSpecSchema);
    return planFromOldSpec(doc.value as OldSpecFile, doc);
  }
  validate(doc, deploymentFileSchema);
  const ownFile = path.relative(options.cwd, path.resolve(doc.file));
  return planFromDeploymentFile(doc.value as DeploymentFile, {
    where: (field) => doc.locate(field),
    baseDir: path.dirname(path.resolve(doc.file)),
    upload: options.upload
      ? { dir: options.cwd, exclude: ownFile.startsWith("..") ? [] : [ownFile.split(path.sep).join("/")] }
      : null,
  });
}

/** Every problem of the document, on the one line a failed command prints. */
function validate(doc: YamlDocument, schema: object): void {
  const problems = documentProblems(doc, schema);
  if (problems.length) throw new CliError(problems.join("; "));
}
