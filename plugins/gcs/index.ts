// The gcs plugin: the `gcs` storage block type (Prefect 2's GCS) and prefect_gcp's pull/push
// steps. Light on purpose: @google-cloud/storage is loaded only when a block does work.
import { defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { GcsStorage } from "./gcs.js";
import { gcsSchema } from "./schema.js";
import { gcsSteps } from "./steps.js";

export { GcsStorage } from "./gcs.js";
export { GcsError, scrub } from "./errors.js";
export { gcsSchema, type GcsConfig } from "./schema.js";
export {
  GcsAuthError,
  parseServiceAccountInfo,
  ServiceAccountTokens,
  type ServiceAccountKey,
} from "./service-account.js";
export { gcsSteps } from "./steps.js";

export const gcsBlockType = defineBlockType({
  slug: "gcs",
  name: "GCS",
  description: "Stores deployment code and files in a Google Cloud Storage bucket (or a folder of one).",
  documentationUrl: "https://cloud.google.com/storage/docs/json_api",
  schema: gcsSchema,
  capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
  implementation: GcsStorage,
});

// the name and version come from package.json
export default definePlugin({ blockTypes: [gcsBlockType], steps: gcsSteps });
