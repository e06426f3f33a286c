// The aws-s3 plugin: the s3 storage block type, aws-credentials, and the pull_from_s3 / push_to_s3 steps. Light on
// purpose (imported at every start): the AWS SDK is loaded by the block on first use.
import { defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { AwsCredentials, awsCredentialsSchema } from "./aws-credentials.js";
import { S3Block } from "./s3-block.js";
import { s3Schema } from "./s3-schema.js";
import { s3Steps } from "./s3-steps.js";

export { AwsCredentials, awsCredentialsSchema, type AwsCredentialsConfig } from "./aws-credentials.js";
export { S3Block } from "./s3-block.js";
export { S3BlockError } from "./s3-errors.js";
export { DEFAULT_REGION, parseBucketPath, s3Schema, type S3Config } from "./s3-schema.js";
export { s3StepConfig, s3Steps } from "./s3-steps.js";

export const s3BlockType = defineBlockType({
  slug: "s3",
  name: "S3",
  description:
    "Stores deployment code and files in an Amazon S3 bucket (or an S3-compatible server), under an optional key prefix.",
  documentationUrl: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html",
  schema: s3Schema,
  capabilities: ["read-path", "write-path", "get-directory", "put-directory"],
  implementation: S3Block,
});

export const awsCredentialsBlockType = defineBlockType({
  slug: "aws-credentials",
  name: "AWS Credentials",
  description: 'AWS keys for steps such as pull_from_s3: credentials: "{{ ordo.blocks.aws-credentials.NAME }}".',
  documentationUrl: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
  schema: awsCredentialsSchema,
  capabilities: [],
  implementation: AwsCredentials,
});

// the name and version come from package.json
export default definePlugin({ blockTypes: [s3BlockType, awsCredentialsBlockType], steps: s3Steps });
