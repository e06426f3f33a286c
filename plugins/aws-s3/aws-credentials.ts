// The aws-credentials block (Prefect's AwsCredentials): keys kept in one place, referenced from
// steps as `credentials: "{{ ordo.blocks.aws-credentials.NAME }}"` so they never sit in a deployment.
import type { ConfigOf } from "ordo/blocks-sdk";

const secret = { type: "string", minLength: 1, writeOnly: true, format: "password" } as const;

export const awsCredentialsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    aws_access_key_id: { type: "string", minLength: 1 },
    aws_secret_access_key: secret,
    aws_session_token: { ...secret, description: "for temporary credentials" },
    profile_name: {
      type: "string",
      minLength: 1,
      description: "kept for Prefect documents; Ordo's steps read only the keys",
    },
    region_name: { type: "string", minLength: 1 },
    aws_client_parameters: {
      type: "object",
      description: "boto3 client arguments; Ordo's steps use endpoint_url (an S3-compatible server) and region_name",
      properties: { endpoint_url: { type: "string", format: "uri" }, region_name: { type: "string", minLength: 1 } },
    },
  },
  additionalProperties: false,
} as const;

export type AwsCredentialsConfig = ConfigOf<typeof awsCredentialsSchema>;

/** Holds the keys; steps read the block's data through their `credentials` argument. */
export class AwsCredentials {
  constructor(readonly config: AwsCredentialsConfig) {}
}
