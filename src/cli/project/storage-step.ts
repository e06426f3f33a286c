// The push_to_storage step: uploads the project folder (minus .ordoignore) to a storage block, returning {block, path} for pull_from_storage.
import path from "node:path";
import { checkStorageBlock, parseStorageRef, uploadFolder, withSubPath } from "../deployment/upload.js";
import type { StepArgs, StepOutputs, StepSpec } from "../../worker/steps/step-spec.js";
import type { DeployStepContext } from "./steps.js";

export const pushToStorage: StepSpec<DeployStepContext> = {
  args: ["block", "path", "directory"],
  required: ["block"],
  outputs: ["block", "path"],
  run: (args, ctx) => push(args, ctx),
};

async function push(args: StepArgs, ctx: DeployStepContext): Promise<StepOutputs> {
  const ref = withSubPath(
    parseStorageRef(String(args.block), "block"),
    typeof args.path === "string" ? args.path : null,
  );
  const dir = path.resolve(ctx.dir, typeof args.directory === "string" ? args.directory : ".");
  await checkStorageBlock(ctx.client, ref, true);
  await uploadFolder(ctx.client, ref, dir);
  return { block: ref.block, path: ref.path };
}
