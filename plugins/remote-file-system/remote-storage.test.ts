// The URL + settings → block type + configuration mapping, for every scheme, and its refusals.
import { describe, expect, it } from "vitest";
import { createRemoteStorageBlock, remoteStorageConfig } from "./index.js";

describe("remoteStorageConfig", () => {
  it("file:// → local-file-system on the absolute path", () => {
    expect(remoteStorageConfig("file:///srv/flows/my%20project", {})).toEqual({
      scheme: "file",
      slug: "local-file-system",
      packageName: "@ordo/plugin-local-file-system",
      config: { basePath: "/srv/flows/my project" },
    });
    expect(() => remoteStorageConfig("file://relative/path")).toThrow(
      "file:// URL must name an absolute path on this machine",
    );
  });

  it("s3:// → s3 with s3fs's settings, client_kwargs included", () => {
    expect(
      remoteStorageConfig("s3://bucket/a/b/", {
        key: "K",
        secret: "S",
        token: "T",
        client_kwargs: { endpoint_url: "http://minio:9000", region_name: "eu-west-3" },
      }),
    ).toEqual({
      scheme: "s3",
      slug: "s3",
      packageName: "@ordo/plugin-aws-s3",
      config: {
        bucket_path: "bucket/a/b",
        aws_access_key_id: "K",
        aws_secret_access_key: "S",
        aws_session_token: "T",
        endpoint_url: "http://minio:9000",
        region_name: "eu-west-3",
      },
    });
    // the boto names, a top-level endpoint_url, and no undefined keys for what is absent
    const { config } = remoteStorageConfig("S3://bucket", {
      aws_access_key_id: "K",
      aws_secret_access_key: "S",
      endpoint_url: "http://e",
      region_name: "r",
    });
    expect(config).toEqual({
      bucket_path: "bucket",
      aws_access_key_id: "K",
      aws_secret_access_key: "S",
      endpoint_url: "http://e",
      region_name: "r",
    });
    expect(Object.keys(remoteStorageConfig("s3://bucket/x").config)).toEqual(["bucket_path"]);
  });

  it.each(["az", "abfs", "abfss"])("%s:// → azure with adlfs's settings", (scheme) => {
    expect(
      remoteStorageConfig(`${scheme}://container/prefix`, {
        connection_string: "DefaultEndpointsProtocol=https;AccountKey=x",
      }),
    ).toEqual({
      scheme,
      slug: "azure",
      packageName: "@ordo/plugin-azure-blob",
      config: {
        bucket_path: "container/prefix",
        azure_storage_connection_string: "DefaultEndpointsProtocol=https;AccountKey=x",
      },
    });
    expect(remoteStorageConfig(`${scheme}://container`, { account_name: "acct", account_key: "a2V5" }).config).toEqual({
      bucket_path: "container",
      azure_storage_account_name: "acct",
      azure_storage_account_key: "a2V5",
    });
  });

  it("abfs://container@account.dfs.core.windows.net/path takes the account from the URL unless settings name one", () => {
    expect(remoteStorageConfig("abfs://flows@myacct.dfs.core.windows.net/p/q", { account_key: "k" }).config).toEqual({
      bucket_path: "flows/p/q",
      azure_storage_account_name: "myacct",
      azure_storage_account_key: "k",
    });
    expect(remoteStorageConfig("abfs://flows@myacct.dfs.core.windows.net", { account_name: "other" }).config).toEqual({
      bucket_path: "flows",
      azure_storage_account_name: "other",
    });
  });

  it.each(["gs", "gcs"])("%s:// → gcs with gcsfs's settings, an object token as JSON", (scheme) => {
    const token = { type: "service_account", project_id: "p", private_key: "-----BEGIN PRIVATE KEY-----" };
    expect(
      remoteStorageConfig(`${scheme}://bucket/prefix`, { token, project: "p", endpoint_url: "http://127.0.0.1:4443" }),
    ).toEqual({
      scheme,
      slug: "gcs",
      packageName: "@ordo/plugin-gcs",
      config: {
        bucket_path: "bucket/prefix",
        service_account_info: JSON.stringify(token),
        project: "p",
        api_endpoint: "http://127.0.0.1:4443",
      },
    });
    expect(remoteStorageConfig(`${scheme}://bucket`, { token: JSON.stringify(token) }).config).toEqual({
      bucket_path: "bucket",
      service_account_info: JSON.stringify(token),
    });
    expect(remoteStorageConfig(`${scheme}://bucket`, { token: "google_default" }).config).toEqual({
      bucket_path: "bucket",
    });
  });

  it("refuses what it cannot map, naming the setting but never its value", () => {
    expect(() => remoteStorageConfig("ftp://host/x")).toThrow(
      'remote storage scheme "ftp://" is not supported: use file://, s3://, az:// (abfs://) or gs:// (gcs://)',
    );
    expect(() => remoteStorageConfig("/no/scheme")).toThrow("remote storage URL must start with a scheme");
    expect(() => remoteStorageConfig("s3://")).toThrow("s3:// URL must name a bucket or container");
    expect(() => remoteStorageConfig("s3://AKIA:hunter2@bucket/x")).toThrow(
      "s3:// URL must not hold credentials: give them in settings",
    );
    expect(() => remoteStorageConfig("s3://AKIA:hunter2@bucket/x")).not.toThrow(/hunter2/);
    expect(() => remoteStorageConfig("s3://b", { secret: 12345 })).toThrow(
      /^s3:\/\/: settings.secret must be a string$/,
    );
    expect(() => remoteStorageConfig("s3://b", { client_kwargs: "x" })).toThrow(
      "s3://: settings.client_kwargs must be an object",
    );
    expect(() => remoteStorageConfig("gs://b", { token: "/home/me/key.json" })).toThrow(
      "gs://: settings.token must be the service account info",
    );
    expect(() => remoteStorageConfig("gs://b", { token: "/home/me/key.json" })).not.toThrow(/key\.json/);
  });
});

describe("createRemoteStorageBlock", () => {
  const factory = (installed: string[]) => ({
    has: (slug: string) => installed.includes(slug),
    create: <T>(slug: string, config: Record<string, unknown>) => ({ slug, config }) as T,
  });

  it("says which package to install when the scheme's block type is not loaded", () => {
    expect(() => createRemoteStorageBlock("gs://b/x", {}, factory(["s3"]))).toThrow(
      'gs:// storage needs the "gcs" block type: install the @ordo/plugin-gcs plugin (npm install @ordo/plugin-gcs)',
    );
    expect(() => createRemoteStorageBlock("az://c", {}, factory([]))).toThrow(
      "install the @ordo/plugin-azure-blob plugin",
    );
    expect(() => createRemoteStorageBlock("s3://c", {}, factory([]))).toThrow("install the @ordo/plugin-aws-s3 plugin");
  });

  it("builds the scheme's block through the factory when it is", () => {
    expect(createRemoteStorageBlock("s3://b/x", { key: "k", secret: "s" }, factory(["s3"]))).toEqual({
      slug: "s3",
      config: { bucket_path: "b/x", aws_access_key_id: "k", aws_secret_access_key: "s" },
    });
  });
});
