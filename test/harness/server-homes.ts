// Which ORDO_HOME each test server wrote its local admin key to, by URL: spawned CLI commands and
// workers get that home and find the key there, exactly as on a user's machine (no key handling).
import { readFileSync } from "node:fs";
import path from "node:path";

const homes = new Map<string, string>();

export function registerServerHome(url: string, home: string): void {
  homes.set(new URL(url).origin, home);
}

/** The env a process needs to reach the server at `url` as its local admin. */
export function homeEnv(url: string): Record<string, string> {
  const home = homes.get(new URL(url).origin);
  return home ? { ORDO_HOME: home } : {};
}

/** The admin key a server wrote into `home` (the harness's own requests send it); undefined with auth off. */
export function localAdminKey(home: string): string | undefined {
  try {
    return readFileSync(path.join(home, "api-key"), "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Authorization header for the local admin of `home`, if there is one. */
export function adminHeaders(home: string): Record<string, string> {
  const key = localAdminKey(home);
  return key ? { authorization: `Bearer ${key}` } : {};
}
