// pull_from_gcs / push_to_gcs, prefect_gcp's deployment steps, run through the `gcs` block:
// `credentials` ({ service_account_info | service_account_file, project }) becomes the block's fields.
import { readFileSync } from "node:fs";
import { storageSteps } from "ordo/blocks-sdk";

const CREDENTIAL_KEYS = ["service_account_info", "service_account_file", "project"];

function blockConfig(args: Record<string, unknown>): {
  config: Record<string, unknown>;
  folder: string | null;
  outputs: Record<string, unknown>;
} {
  const { bucket, folder, project, credentials, api_endpoint: apiEndpoint } = args;
  if (typeof bucket !== "string" || bucket === "" || bucket.includes("/"))
    throw new Error('bucket must be a bucket\'s name (no "/")');
  if (folder !== undefined && folder !== null && typeof folder !== "string") throw new Error("folder must be a string");
  for (const [name, value] of [
    ["project", project],
    ["api_endpoint", apiEndpoint],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") throw new Error(`${name} must be a string`);
  }
  const config: Record<string, unknown> = { bucket_path: bucket };
  if (credentials !== undefined && credentials !== null) {
    if (typeof credentials !== "object" || Array.isArray(credentials))
      throw new Error("credentials must be an object: { service_account_info, project }");
    const creds = credentials as Record<string, unknown>;
    // the key is named, never its value: it may be a secret
    for (const key of Object.keys(creds))
      if (!CREDENTIAL_KEYS.includes(key))
        throw new Error(`credentials.${key} is not supported (use ${CREDENTIAL_KEYS.join(", ")})`);
    if (creds.service_account_info !== undefined && creds.service_account_info !== null)
      config.service_account_info = creds.service_account_info;
    else if (typeof creds.service_account_file === "string") {
      try {
        config.service_account_info = readFileSync(creds.service_account_file, "utf8");
      } catch (e) {
        throw new Error(
          `credentials.service_account_file ${creds.service_account_file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? "error"}`,
        );
      }
    }
    if (typeof creds.project === "string") config.project = creds.project;
  }
  if (typeof project === "string") config.project = project;
  if (typeof apiEndpoint === "string") config.api_endpoint = apiEndpoint;
  return { config, folder: folder ?? null, outputs: { bucket, folder: folder ?? null } };
}

export const gcsSteps = storageSteps({
  blockType: "gcs",
  pull: { name: "pull_from_gcs" },
  push: { name: "push_to_gcs" },
  // api_endpoint is Ordo's addition (emulators, private endpoints); the rest are prefect_gcp's
  args: ["bucket", "folder", "project", "credentials", "api_endpoint"],
  required: ["bucket", "folder"],
  secretArgs: ["credentials"],
  outputs: ["bucket", "folder"],
  locate: blockConfig,
});
