// A service account key's OAuth access tokens: the JWT-bearer grant (RFC 7523) at the key's own
// token_uri. The storage client's auth library always posts to Google's fixed token URL; keys name
// theirs (private deployments, tests on loopback), so the exchange is done here, with node:crypto.
import { sign } from "node:crypto";

export const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
/** objects: list, read, create (and delete, which the client does when an upload fails its checksum) */
export const STORAGE_SCOPE = "https://www.googleapis.com/auth/devstorage.read_write";

export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  token_uri?: string;
}

/** Raised when the key is unusable or refused; its message never holds the key or a token. */
export class GcsAuthError extends Error {
  // a string code: the storage client retries errors whose code is an HTTP status like 503
  readonly code = "GCS_AUTH";
  constructor(message: string) {
    super(message);
    this.name = "GcsAuthError";
  }
}

/** The key from Prefect's JSON string or an object. Errors say what is wrong, never quoting the text. */
export function parseServiceAccountInfo(info: unknown): ServiceAccountKey {
  let key: unknown = info;
  if (typeof info === "string") {
    try {
      key = JSON.parse(info);
    } catch {
      // JSON.parse's message quotes the input: it is the key
      throw new GcsAuthError("gcs: service_account_info is not valid JSON (paste the key file's content)");
    }
  }
  const k = key as Record<string, unknown>;
  if (typeof k !== "object" || k === null || Array.isArray(k))
    throw new GcsAuthError("gcs: service_account_info must be a JSON object");
  for (const field of ["client_email", "private_key"]) {
    if (typeof k[field] !== "string" || k[field] === "")
      throw new GcsAuthError(`gcs: service_account_info has no ${field}`);
  }
  for (const field of ["private_key_id", "project_id", "token_uri"]) {
    if (k[field] !== undefined && typeof k[field] !== "string")
      throw new GcsAuthError(`gcs: service_account_info.${field} must be a string`);
  }
  return k as unknown as ServiceAccountKey;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * Tokens for one key, fetched on first use and renewed a minute before they expire. Shaped as the
 * auth client the storage client accepts (`getRequestHeaders`).
 */
export class ServiceAccountTokens {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly key: ServiceAccountKey,
    private readonly scope = STORAGE_SCOPE,
  ) {}

  get tokenUri(): string {
    return this.key.token_uri ?? DEFAULT_TOKEN_URI;
  }

  async getRequestHeaders(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.token()}` };
  }

  async token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.expiresAt - 60_000) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private assertion(): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", ...(this.key.private_key_id ? { kid: this.key.private_key_id } : {}) };
    const claims = { iss: this.key.client_email, scope: this.scope, aud: this.tokenUri, iat: now, exp: now + 3600 };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    let signature: Buffer;
    try {
      signature = sign("RSA-SHA256", Buffer.from(unsigned), this.key.private_key);
    } catch {
      // crypto's message may describe the key material
      throw new GcsAuthError(
        `gcs: the private_key of service account ${this.key.client_email} is not a usable RSA key`,
      );
    }
    return `${unsigned}.${base64url(signature)}`;
  }

  private async fetchToken(): Promise<string> {
    const who = `service account ${this.key.client_email} at ${this.tokenUri}`;
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: this.assertion(),
    });
    let response: Response;
    try {
      response = await fetch(this.tokenUri, { method: "POST", body, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new GcsAuthError(
        `gcs: cannot reach the token endpoint for ${who}: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}`,
      );
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the status says enough
    }
    if (!response.ok || typeof json.access_token !== "string") {
      const reason =
        typeof json.error === "string"
          ? ` ${json.error}${typeof json.error_description === "string" ? `: ${json.error_description}` : ""}`
          : "";
      throw new GcsAuthError(`gcs: ${who} refused the key (HTTP ${response.status}${reason ? `,${reason}` : ""})`);
    }
    const expiresIn = typeof json.expires_in === "number" ? json.expires_in : 3600;
    this.cached = { token: json.access_token, expiresAt: Date.now() + expiresIn * 1000 };
    return json.access_token;
  }
}
