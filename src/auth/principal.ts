// Who is calling: the API key a request authenticated with, reduced to its name and scopes.
import type { Scope } from "./scopes.js";

export interface Principal {
  /** the ApiKey row, or null when auth is off */
  keyId: string | null;
  /** the key's name, as audit lines show it */
  name: string;
  scopes: readonly Scope[];
}

/** Every caller when the server runs with ORDO_AUTH=off. */
export const UNAUTHENTICATED_ADMIN: Principal = { keyId: null, name: "(auth off)", scopes: ["admin"] };
