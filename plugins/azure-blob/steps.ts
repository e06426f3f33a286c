// pull_from_azure_blob_storage / push_to_azure_blob_storage, prefect_azure's deployment steps,
// run through the `azure` block: `credentials` becomes the block's authentication fields.
import { storageSteps } from "ordo/blocks-sdk";

/** prefect_azure's credential keys → the azure block's fields */
const CREDENTIAL_FIELDS: Readonly<Record<string, string>> = {
  connection_string: "azure_storage_connection_string",
  account_name: "azure_storage_account_name",
  account_key: "azure_storage_account_key",
  account_url: "azure_storage_account_url",
};

function blockConfig(args: Record<string, unknown>): {
  config: Record<string, unknown>;
  folder: string | null;
  outputs: Record<string, unknown>;
} {
  const { container, folder, credentials } = args;
  if (typeof container !== "string" || container === "" || container.includes("/"))
    throw new Error('container must be a container\'s name (no "/")');
  if (folder !== undefined && folder !== null && typeof folder !== "string") throw new Error("folder must be a string");
  if (typeof credentials !== "object" || credentials === null || Array.isArray(credentials)) {
    throw new Error(
      "credentials must be an object: { connection_string } or { account_name, account_key, account_url? }",
    );
  }
  const config: Record<string, unknown> = { bucket_path: container };
  for (const [key, value] of Object.entries(credentials)) {
    const field = CREDENTIAL_FIELDS[key];
    // the key is named, never its value: it may be a secret
    if (field === undefined)
      throw new Error(`credentials.${key} is not supported (use ${Object.keys(CREDENTIAL_FIELDS).join(", ")})`);
    if (value !== undefined && value !== null) config[field] = value;
  }
  return { config, folder: folder ?? null, outputs: { container, folder: folder ?? null } };
}

export const azureSteps = storageSteps({
  blockType: "azure",
  pull: { name: "pull_from_azure_blob_storage" },
  push: { name: "push_to_azure_blob_storage" },
  args: ["container", "folder", "credentials"],
  required: ["container", "folder", "credentials"],
  secretArgs: ["credentials"],
  outputs: ["container", "folder"],
  locate: blockConfig,
});
