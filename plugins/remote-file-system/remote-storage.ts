// Which block type handles a remote storage URL (file://, s3://, az://, gs://) and its
// configuration from fsspec-style settings: shared by the remote-file-system block and
// the pull_from_remote_storage step.
import { fileURLToPath } from "node:url";
import type { BlockFactory } from "ordo/blocks-sdk";

export interface RemoteScheme {
  /** the block type the scheme's URLs are handled by */
  slug: string;
  /** the npm package providing it, for the "install it" error */
  packageName: string;
}

/** The schemes understood, as fsspec names them (az and abfs are both adlfs; gs and gcs both gcsfs). */
export const REMOTE_SCHEMES: Readonly<Record<string, RemoteScheme>> = Object.freeze({
  file: { slug: "local-file-system", packageName: "@ordo/plugin-local-file-system" },
  s3: { slug: "s3", packageName: "@ordo/plugin-aws-s3" },
  az: { slug: "azure", packageName: "@ordo/plugin-azure-blob" },
  abfs: { slug: "azure", packageName: "@ordo/plugin-azure-blob" },
  abfss: { slug: "azure", packageName: "@ordo/plugin-azure-blob" },
  gs: { slug: "gcs", packageName: "@ordo/plugin-gcs" },
  gcs: { slug: "gcs", packageName: "@ordo/plugin-gcs" },
});

export class RemoteStorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteStorageError";
  }
}

export interface RemoteStorageConfig extends RemoteScheme {
  scheme: string;
  /** the configuration of `slug`, absent settings left out */
  config: Record<string, unknown>;
}

type Settings = Record<string, unknown>;

/**
 * The block type and configuration a URL and its settings describe. Settings use the names of
 * the fsspec implementation Prefect hands them to (s3fs: key, secret, token, client_kwargs;
 * adlfs: connection_string, account_name, account_key; gcsfs: token, project, endpoint_url);
 * errors name the setting, never its value.
 */
export function remoteStorageConfig(url: string, settings: Settings | null | undefined = {}): RemoteStorageConfig {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!match)
    throw new RemoteStorageError(`remote storage URL must start with a scheme (file://, s3://, az://, gs://)`);
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  const known = REMOTE_SCHEMES[scheme];
  if (!known)
    throw new RemoteStorageError(
      `remote storage scheme "${scheme}://" is not supported: use file://, s3://, az:// (abfs://) or gs:// (gcs://)`,
    );
  const s: Settings = settings ?? {};
  if (typeof s !== "object" || Array.isArray(s))
    throw new RemoteStorageError(`${scheme}://: settings must be an object`);
  const str = (name: string, value: unknown): string | undefined => {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw new RemoteStorageError(`${scheme}://: settings.${name} must be a string`);
    return value;
  };
  const obj = (name: string): Settings => {
    const value = s[name];
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value))
      throw new RemoteStorageError(`${scheme}://: settings.${name} must be an object`);
    return value as Settings;
  };

  if (scheme === "file") {
    let basePath: string;
    try {
      basePath = fileURLToPath(`file://${rest}`);
    } catch {
      throw new RemoteStorageError("file:// URL must name an absolute path on this machine (file:///abs/path)");
    }
    return { scheme, ...known, config: { basePath } };
  }

  const bucketPath = () => bucketPathOf(scheme, rest);
  let entries: [string, unknown][];
  if (known.slug === "s3") {
    const clientKwargs = obj("client_kwargs");
    entries = [
      ["bucket_path", bucketPath()],
      ["aws_access_key_id", str("key", s.key) ?? str("aws_access_key_id", s.aws_access_key_id)],
      ["aws_secret_access_key", str("secret", s.secret) ?? str("aws_secret_access_key", s.aws_secret_access_key)],
      ["aws_session_token", str("token", s.token)],
      [
        "endpoint_url",
        str("endpoint_url", s.endpoint_url) ?? str("client_kwargs.endpoint_url", clientKwargs.endpoint_url),
      ],
      ["region_name", str("client_kwargs.region_name", clientKwargs.region_name) ?? str("region_name", s.region_name)],
    ];
  } else if (known.slug === "azure") {
    // abfs://container@account.dfs.core.windows.net/path names the account in the URL
    const at = /^([^@/]+)@([^./]+)[^/]*(.*)$/s.exec(rest);
    const azurePath = bucketPathOf(scheme, at ? `${at[1]}${at[3]}` : rest);
    const account = at?.[2];
    entries = [
      ["bucket_path", azurePath],
      ["azure_storage_connection_string", str("connection_string", s.connection_string)],
      ["azure_storage_account_name", str("account_name", s.account_name) ?? account],
      ["azure_storage_account_key", str("account_key", s.account_key)],
    ];
  } else {
    entries = [
      ["bucket_path", bucketPath()],
      ["service_account_info", serviceAccountInfo(scheme, s.token)],
      ["project", str("project", s.project)],
      ["api_endpoint", str("endpoint_url", s.endpoint_url)],
    ];
  }
  return { scheme, ...known, config: Object.fromEntries(entries.filter(([, v]) => v !== undefined)) };
}

/** "bucket/a/b/" → "bucket/a/b"; credentials in the URL (user:pass@) are refused, without quoting them. */
function bucketPathOf(scheme: string, rest: string): string {
  const parts = rest.split("/").filter((p) => p !== "");
  const bucket = parts[0];
  if (bucket === undefined)
    throw new RemoteStorageError(`${scheme}:// URL must name a bucket or container (${scheme}://name/prefix)`);
  if (bucket.includes("@"))
    throw new RemoteStorageError(`${scheme}:// URL must not hold credentials: give them in settings`);
  return parts.join("/");
}

/**
 * gcsfs's `token`: the service account info as an object or its JSON. "google_default" and
 * "cloud" (the environment's credentials) leave it out; a key file path cannot be read from here.
 */
function serviceAccountInfo(scheme: string, token: unknown): string | undefined {
  if (token === undefined || token === null || token === "" || token === "google_default" || token === "cloud")
    return undefined;
  if (typeof token === "object" && !Array.isArray(token)) return JSON.stringify(token);
  if (typeof token === "string" && token.trimStart().startsWith("{")) return token;
  throw new RemoteStorageError(
    `${scheme}://: settings.token must be the service account info (an object or its JSON text); key file paths and "anon" are not supported`,
  );
}

/** Builds the block a URL names through the factory, or says which package to install. */
export function createRemoteStorageBlock<T = unknown>(
  url: string,
  settings: Settings | null | undefined,
  blocks: BlockFactory,
): T {
  const target = remoteStorageConfig(url, settings);
  if (!blocks.has(target.slug)) {
    throw new RemoteStorageError(
      `${target.scheme}:// storage needs the "${target.slug}" block type: install the ${target.packageName} plugin (npm install ${target.packageName})`,
    );
  }
  try {
    return blocks.create<T>(target.slug, target.config);
  } catch (e) {
    // the registry's validation errors name fields, not values
    throw new RemoteStorageError(`${target.scheme}:// storage: ${(e as Error).message}`);
  }
}
