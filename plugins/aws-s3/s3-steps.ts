// pull_from_s3 / push_to_s3 (prefect_aws.deployments.steps), with Prefect 2's older names: the
// step arguments turned into an s3 block configuration and the folder inside the bucket.
import { storageSteps, type StepDefinition } from "ordo/blocks-sdk";

type Args = Record<string, unknown>;

function optionalObject(args: Args, name: string): Args {
  const value = args[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${name} must be an object`);
  return value as Args;
}

/** The first value that is a non-empty string; other values (booleans, numbers) are refused by name. */
function pick(name: string, ...candidates: [string, unknown][]): string | undefined {
  for (const [field, value] of candidates) {
    if (value === undefined || value === null || value === "") continue;
    if (typeof value !== "string") throw new Error(`${name}: ${field} must be a string`);
    return value;
  }
  return undefined;
}

/**
 * The s3 block configuration of a step's arguments. `credentials` takes the fields of Prefect's
 * aws-credentials block (aws_access_key_id, aws_secret_access_key, aws_session_token, region_name,
 * aws_client_parameters.endpoint_url) or minio-credentials block (minio_root_user,
 * minio_root_password); `client_parameters` (boto3's client arguments) gives endpoint_url and
 * region_name, which win. Other client parameters (verify, config…) have no equivalent and are ignored.
 */
export function s3StepConfig(args: Args): {
  config: Record<string, unknown>;
  folder: string | null;
  outputs: Record<string, unknown>;
} {
  const { bucket, folder } = args;
  if (typeof bucket !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(bucket))
    throw new Error("bucket must be a bucket name (no slash, no s3:// scheme)");
  if (folder !== undefined && folder !== null && typeof folder !== "string") throw new Error("folder must be a string");
  const credentials = optionalObject(args, "credentials");
  const client = optionalObject(args, "client_parameters");
  const credentialClient = optionalObject(credentials, "aws_client_parameters");
  const entries: [string, string | undefined][] = [
    ["bucket_path", bucket],
    [
      "aws_access_key_id",
      pick(
        "credentials",
        ["aws_access_key_id", credentials.aws_access_key_id],
        ["minio_root_user", credentials.minio_root_user],
      ),
    ],
    [
      "aws_secret_access_key",
      pick(
        "credentials",
        ["aws_secret_access_key", credentials.aws_secret_access_key],
        ["minio_root_password", credentials.minio_root_password],
      ),
    ],
    ["aws_session_token", pick("credentials", ["aws_session_token", credentials.aws_session_token])],
    [
      "region_name",
      pick(
        "client_parameters",
        ["region_name", client.region_name],
        ["credentials.region_name", credentials.region_name],
        ["credentials.aws_client_parameters.region_name", credentialClient.region_name],
      ),
    ],
    [
      "endpoint_url",
      pick(
        "client_parameters",
        ["endpoint_url", client.endpoint_url],
        ["credentials.endpoint_url", credentials.endpoint_url],
        ["credentials.aws_client_parameters.endpoint_url", credentialClient.endpoint_url],
      ),
    ],
  ];
  // absent values are left out: the block's schema refuses undefined-valued keys no better than extra ones
  const config = Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  return {
    config,
    folder: folder === undefined || folder === null || folder === "" ? null : folder,
    outputs: { bucket, folder: folder ?? "" },
  };
}

export const s3Steps: StepDefinition[] = storageSteps({
  blockType: "s3",
  pull: { name: "pull_from_s3", aliases: ["pull_project_from_s3"] },
  push: { name: "push_to_s3", aliases: ["push_project_to_s3"] },
  args: ["bucket", "folder", "credentials", "client_parameters"],
  required: ["bucket", "folder"],
  secretArgs: ["credentials", "client_parameters"],
  outputs: ["bucket", "folder"],
  locate: s3StepConfig,
});
