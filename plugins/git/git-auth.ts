// Credentials for git over HTTP(S): the Authorization header a forge expects, handed to git through
// GIT_CONFIG_* environment variables (never argv, never the URL), and the scrubbing of every form
// of the secret out of messages.

/** Where a token may be sent: https anywhere, plain http only to this machine (test servers, proxies). */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export interface GitAuth {
  /** `http.<origin>/.extraHeader`: scoped to the repository's scheme, host and port */
  configKey: string;
  /** `Authorization: Basic <base64(user:secret)>` */
  header: string;
  /** every form of the secret that could appear in a message */
  secrets: string[];
}

/** Forges' usernames for a token sent as HTTP Basic credentials (GitHub, GitLab, Bitbucket); anything else gets "git". */
export function defaultUsername(hostname: string): string {
  const host = hostname.toLowerCase();
  if (host === "github.com" || host.endsWith(".github.com") || host.endsWith(".ghe.com")) return "x-access-token";
  if (host.includes("gitlab")) return "oauth2";
  if (host.includes("bitbucket")) return "x-token-auth";
  return "git";
}

/**
 * The Basic credentials for `url`. Refused (before anything runs) for a URL that is not http(s) —
 * an ssh or file URL cannot take a token, and silently dropping it would hide a mistake — and for
 * plain http to another machine, which would send the token in clear.
 */
export function gitAuth(url: string, secret: string, username: string | null | undefined, describe: string): GitAuth {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${describe}: a token needs an https:// repository URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new Error(`${describe}: a token needs an https:// repository URL, not ${parsed.protocol}`);
  if (parsed.protocol === "http:" && !LOOPBACK.has(parsed.hostname))
    throw new Error(`${describe}: refusing to send a token over plain http to ${parsed.hostname}; use https://`);
  const user = username && username !== "" ? username : defaultUsername(parsed.hostname);
  const encoded = Buffer.from(`${user}:${secret}`, "utf8").toString("base64");
  return {
    configKey: `http.${parsed.protocol}//${parsed.host}/.extraHeader`,
    header: `Authorization: Basic ${encoded}`,
    secrets: secretForms(secret, encoded),
  };
}

function secretForms(secret: string, ...more: string[]): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret, "utf8").toString("base64"), ...more]);
  // a base64 string may also surface without its padding
  for (const f of [...forms]) if (f.endsWith("=")) forms.add(f.replace(/=+$/, ""));
  return [...forms].filter((f) => f.length >= 3).sort((a, b) => b.length - a.length);
}

/** The URL without its user info (which may hold a token): what messages and logs show. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, "$1");
}

/** `text` with every secret form replaced and the user info of every URL in it dropped. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("********");
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]*@/gi, "$1");
}

/**
 * Secrets a URL carries in its user info (a token written into the URL by hand): the password, or
 * a lone username long enough to be a token (GitHub's `https://<token>@github.com/...`).
 */
export function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    if (password !== "")
      return secretForms(password, parsed.password, Buffer.from(`${user}:${password}`, "utf8").toString("base64"));
    if (user.length >= 8) return secretForms(user, parsed.username);
    return [];
  } catch {
    return [];
  }
}
