// Who a request is: the API key in `Authorization: Bearer <key>` (HTTP, SSE) or in graphql-ws's
// connection_init payload, checked on every request so a revoked key stops at once (ApiKeyService
// remembers a good key for a second, and forgets it when it is revoked, here or on a replica).
import { GraphQLError } from "graphql";
import { bearerKey } from "../auth/api-key-format.js";
import type { ApiKeyService } from "../auth/api-key.service.js";
import { UNAUTHENTICATED_ADMIN, type Principal } from "../auth/principal.js";

export type Authenticate = (authorization: string | null | undefined) => Promise<Principal>;

function unauthenticated(message: string): GraphQLError {
  // 401 for HTTP clients; the code for GraphQL clients
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

export function createAuthenticate(enabled: boolean, apiKeys: ApiKeyService): Authenticate {
  if (!enabled) return async () => UNAUTHENTICATED_ADMIN;
  return async (authorization) => {
    if (!authorization)
      throw unauthenticated("an API key is required: send `Authorization: Bearer <key>` (see `ordo api-key create`)");
    const key = bearerKey(authorization);
    if (!key) throw unauthenticated("the Authorization header must be `Bearer <key>`");
    const principal = await apiKeys.authenticate(key);
    if (!principal) throw unauthenticated("the API key is unknown, revoked or expired");
    return principal;
  };
}
