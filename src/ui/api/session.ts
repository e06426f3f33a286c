// The API key the user signed in with, kept for this browser tab's session only (sessionStorage):
// closing the tab forgets it, and it is never written to a cookie the browser would send by itself.
const KEY = "ordo.apiKey";

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** The Authorization header value for a key, or none when the server runs without auth. */
export function bearer(key: string | null): string | undefined {
  return key ? `Bearer ${key}` : undefined;
}

/** Whether the server asks for a key at all (index.html's ordo-auth meta tag, written by the server). */
export function authRequired(): boolean {
  return document.querySelector('meta[name="ordo-auth"]')?.getAttribute("content") !== "off";
}
