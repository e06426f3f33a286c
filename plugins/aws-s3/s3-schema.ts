// The s3 block's configuration (Prefect 2's S3 block fields, plus a session token, the region and
// an S3-compatible endpoint) and the split of bucket_path into a bucket and a key prefix.
import type { ConfigOf } from "ordo/blocks-sdk";

export const s3Schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    bucket_path: {
      type: "string",
      // a bucket name, then an optional key prefix; no scheme (that is remote-file-system's s3://)
      pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*(/.*)?$",
      description: 'the bucket, or "bucket/prefix": every path of the block is under the prefix',
    },
    aws_access_key_id: {
      type: "string",
      minLength: 1,
      writeOnly: true,
      format: "password",
      description: "omitted: the AWS SDK's default credential chain (environment, profile, instance role)",
    },
    aws_secret_access_key: { type: "string", minLength: 1, writeOnly: true, format: "password" },
    aws_session_token: {
      type: "string",
      minLength: 1,
      writeOnly: true,
      format: "password",
      description: "for temporary credentials",
    },
    region_name: { type: "string", minLength: 1, default: "us-east-1" },
    endpoint_url: {
      type: "string",
      format: "uri",
      description: "an S3-compatible server (MinIO, Ceph, s3rver…); path-style addressing is used then",
    },
  },
  required: ["bucket_path"],
  additionalProperties: false,
} as const;

export type S3Config = ConfigOf<typeof s3Schema>;

export const DEFAULT_REGION = "us-east-1";

/** "bucket/a/b/" → { bucket: "bucket", prefix: "a/b" } (no leading or trailing slash; "" for the root). */
export function parseBucketPath(bucketPath: string): { bucket: string; prefix: string } {
  const [bucket = "", ...rest] = bucketPath.split("/");
  return { bucket, prefix: rest.filter((p) => p !== "").join("/") };
}
