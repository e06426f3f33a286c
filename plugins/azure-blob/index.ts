// The azure-blob plugin: the `azure` storage block type (Prefect 2's Azure) and prefect_azure's
// pull/push steps. Light on purpose: @azure/storage-blob is loaded only when a block does work.
import { defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { AzureBlobStorage } from "./azure-blob.js";
import { azureSchema } from "./schema.js";
import { azureSteps } from "./steps.js";

export { AzureBlobStorage } from "./azure-blob.js";
export { AzureBlobError, scrub } from "./errors.js";
export { azureSchema, type AzureConfig } from "./schema.js";
export { azureSteps } from "./steps.js";

export const azureBlockType = defineBlockType({
  slug: "azure",
  name: "Azure",
  description: "Stores deployment code and files in an Azure Blob Storage container (or a folder of one).",
  documentationUrl: "https://learn.microsoft.com/azure/storage/blobs/",
  schema: azureSchema,
  capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
  implementation: AzureBlobStorage,
});

// the name and version come from package.json
export default definePlugin({ blockTypes: [azureBlockType], steps: azureSteps });
