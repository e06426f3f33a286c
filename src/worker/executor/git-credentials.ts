// A token for git_clone, handed to git as an Authorization header through GIT_CONFIG_* environment
// variables — never in the URL (git would write it to the clone's .git/config) nor in argv — and
// scrubbed, in every form, out of what git prints.

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface GitCredentials {
  /** environment for `git clone`: the header scoped to the repository's origin */
  env: Record<string, string>;
  /** every form of the token a message could hold */
  secrets: string[];
}

/** Forges' usernames for a token sent as HTTP Basic credentials; anything else gets "git". */
function forgeUsername(hostname: string): string {
  if (hostname === "github.com" || hostname.endsWith(".github.com")) return "x-access-token";
  if (hostname.includes("gitlab")) return "oauth2";
  if (hostname.includes("bitbucket")) return "x-token-auth";
  return "git";
}

/** https anywhere, plain http only to this machine (a token in clear over a network is refused). */
export function gitCredentials(repository: string, token: string, username?: string): GitCredentials {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new Error("a token needs an https:// repository URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new Error(
      url.protocol === "http:"
        ? `refusing to send a token over plain http to ${url.hostname}; use https://`
        : "a token needs an https:// repository URL",
    );
  }
  const encoded = Buffer.from(`${username || forgeUsername(url.hostname)}:${token}`).toString("base64");
  return {
    env: {
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: `http.${url.protocol}//${url.host}/.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${encoded}`,
      // the machine's stored credentials are not asked for (nor offered to the server)
      GIT_CONFIG_KEY_1: "credential.helper",
      GIT_CONFIG_VALUE_1: "",
    },
    secrets: [encoded, token, encodeURIComponent(token), Buffer.from(token).toString("base64")].filter(
      (s) => s.length >= 3,
    ),
  };
}

/** A repository URL as messages show it: no user info. */
export function displayRepository(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, "$1");
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, s) => out.split(s).join("****"), text);
}
