// The `gcs` block's configuration: Prefect 2's GCS block fields (snake_case), the key marked secret.
import type { ConfigOf } from "ordo/blocks-sdk";

export const gcsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    bucket_path: {
      type: "string",
      minLength: 1,
      pattern: "^[^/]+(/.*)?$",
      description: 'the bucket, optionally followed by a folder inside it: "bucket" or "bucket/prefix"',
    },
    service_account_info: {
      // Prefect stores the key file's JSON as a string; an object (the parsed key) is accepted too.
      // Without it: Application Default Credentials, or no authentication with a custom api_endpoint.
      anyOf: [
        { type: "string", minLength: 2 },
        {
          type: "object",
          properties: {
            client_email: { type: "string" },
            private_key: { type: "string" },
            token_uri: { type: "string" },
          },
          required: ["client_email", "private_key"],
        },
      ],
      writeOnly: true,
      description: "the service account key (its JSON, as a string or an object)",
    },
    project: {
      type: "string",
      minLength: 1,
      description: "the project billed and used for the requests; default the key's project_id",
    },
    api_endpoint: {
      type: "string",
      format: "uri",
      description: "the JSON API's base URL (emulators, private endpoints); default https://storage.googleapis.com",
    },
  },
  required: ["bucket_path"],
  additionalProperties: false,
} as const;

export type GcsConfig = ConfigOf<typeof gcsSchema>;
