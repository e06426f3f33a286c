// Deployment steps plugins contribute (part of ordo/blocks-sdk): pull steps a worker runs before a
// flow, build and push steps `ordo deploy` runs — e.g. pull_from_s3, build_docker_image.
import type { GetDirectory, PutDirectory } from "./sdk.js";

export const STEP_KINDS = ["pull", "build", "push"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface StepContext {
  /** where the step runs: the project folder for build and push steps, the run's folder for pull steps */
  readonly directory: string;
  log(message: string): void;
  /**
   * An instance of a block type of the loaded plugins, built from a configuration (validated
   * against the type's schema): what a step like pull_from_s3 does its work through.
   */
  createBlock<T = unknown>(slug: string, config: Record<string, unknown>): T;
}

export interface StepSpec {
  /**
   * ^[a-z][a-z0-9_]*$, unique across plugins and Ordo's own steps. A deployment may write it bare
   * or as `<package>.deployments.steps.<name>` (prefect_aws.deployments.steps.pull_from_s3).
   */
  name: string;
  kind: StepKind;
  /** older names of the same step (Prefect 2's pull_project_from_s3…) */
  aliases?: readonly string[];
  description?: string;
  /** every argument the step takes: any other is refused */
  args: readonly string[];
  required?: readonly string[];
  /** names of arguments holding secrets: never logged */
  secretArgs?: readonly string[];
  /** the outputs later steps can reference as {{ step-id.output }} */
  outputs?: readonly string[];
  /** `args` have their templates resolved; returns the outputs */
  run(args: Record<string, unknown>, ctx: StepContext): Promise<Record<string, unknown>>;
}

export type StepDefinition = Readonly<StepSpec> & {
  readonly aliases: readonly string[];
  readonly required: readonly string[];
  readonly outputs: readonly string[];
  readonly secretArgs: readonly string[];
};

export function defineStep(spec: StepSpec): StepDefinition {
  // checked by the loader with the rest of the plugin
  return Object.freeze({
    ...spec,
    aliases: spec.aliases ?? [],
    required: spec.required ?? [],
    outputs: spec.outputs ?? [],
    secretArgs: spec.secretArgs ?? [],
  });
}

export interface StorageStepsSpec {
  /** the storage block type (get-directory for pull, put-directory for push) the steps work through */
  blockType: string;
  pull?: { name: string; aliases?: readonly string[] };
  push?: { name: string; aliases?: readonly string[] };
  /** the arguments both take (push also takes `ignore_file`) */
  args: readonly string[];
  required?: readonly string[];
  secretArgs?: readonly string[];
  /** the keys of `locate`'s outputs (`bucket`, `folder`), so later steps' references are checked */
  outputs?: readonly string[];
  /**
   * The block configuration the arguments describe, the folder inside it, and the step's outputs
   * besides `directory` (pull) — e.g. `{ bucket, folder }`, as Prefect's steps return.
   */
  locate(args: Record<string, unknown>): {
    config: Record<string, unknown>;
    folder: string | null;
    outputs?: Record<string, unknown>;
  };
}

/**
 * The pull and push steps of a storage block type, in Prefect's shape: pull_from_s3 copies the
 * folder into the run's directory, push_to_s3 uploads the project folder (an ignore file honoured).
 */
export function storageSteps(spec: StorageStepsSpec): StepDefinition[] {
  const steps: StepDefinition[] = [];
  const outputs = (args: Record<string, unknown>) => spec.locate(args);
  if (spec.pull) {
    steps.push(
      defineStep({
        name: spec.pull.name,
        kind: "pull",
        aliases: spec.pull.aliases,
        description: `copies a folder of a ${spec.blockType} location into the run's directory`,
        args: spec.args,
        required: spec.required,
        secretArgs: spec.secretArgs,
        outputs: [...(spec.outputs ?? []), "directory"],
        run: async (args, ctx) => {
          const { config, folder, outputs: extra } = outputs(args);
          const block = ctx.createBlock<GetDirectory>(spec.blockType, config);
          ctx.log(`${spec.pull!.name}: copying ${folder ?? "everything"} into ${ctx.directory}`);
          await block.getDirectory(folder, ctx.directory);
          return { ...extra, directory: ctx.directory };
        },
      }),
    );
  }
  if (spec.push) {
    steps.push(
      defineStep({
        name: spec.push.name,
        kind: "push",
        aliases: spec.push.aliases,
        description: `uploads the project folder to a ${spec.blockType} location, skipping what the ignore file matches`,
        args: [...spec.args, "ignore_file"],
        required: spec.required,
        secretArgs: spec.secretArgs,
        outputs: [...(spec.outputs ?? []), "files"],
        run: async (args, ctx) => {
          const { ignore_file: ignoreFile, ...rest } = args;
          if (ignoreFile !== undefined && ignoreFile !== null && typeof ignoreFile !== "string")
            throw new Error("ignore_file must be a string");
          const { config, folder, outputs: extra } = outputs(rest);
          const block = ctx.createBlock<PutDirectory>(spec.blockType, config);
          const { files } = await block.putDirectory(ctx.directory, folder, ignoreFile ?? undefined);
          ctx.log(`${spec.push!.name}: uploaded ${files} file${files === 1 ? "" : "s"} to ${folder ?? "the root"}`);
          return { ...extra, files };
        },
      }),
    );
  }
  return steps;
}
