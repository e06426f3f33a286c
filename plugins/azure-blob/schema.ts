// The `azure` block's configuration: Prefect 2's Azure block fields (snake_case), secrets marked.
import type { ConfigOf } from "ordo/blocks-sdk";

export const azureSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    bucket_path: {
      type: "string",
      minLength: 1,
      pattern: "^[^/]+(/.*)?$",
      description: 'the container, optionally followed by a folder inside it: "container" or "container/prefix"',
    },
    azure_storage_connection_string: {
      type: "string",
      minLength: 1,
      writeOnly: true,
      format: "password",
      description: "the storage account's connection string; takes precedence over account name and key",
    },
    azure_storage_account_name: {
      type: "string",
      minLength: 1,
      description: "the storage account, with azure_storage_account_key",
    },
    azure_storage_account_key: {
      type: "string",
      minLength: 1,
      writeOnly: true,
      format: "password",
      description: "the storage account's access key",
    },
    azure_storage_account_url: {
      type: "string",
      format: "uri",
      description:
        "the blob endpoint used with account name and key (emulators, sovereign clouds); default https://<account>.blob.core.windows.net",
    },
  },
  required: ["bucket_path"],
  // one way to authenticate is needed: the connection string, or the account name and key (each
  // branch names its properties again, as `true`, so strict Ajv (strictRequired) accepts it)
  anyOf: [
    { properties: { azure_storage_connection_string: true }, required: ["azure_storage_connection_string"] },
    {
      properties: { azure_storage_account_name: true, azure_storage_account_key: true },
      required: ["azure_storage_account_name", "azure_storage_account_key"],
    },
  ],
  additionalProperties: false,
} as const;

export type AzureConfig = ConfigOf<typeof azureSchema>;
