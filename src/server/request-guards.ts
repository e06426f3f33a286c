// Browser-facing protections on every HTTP request, before any GraphQL work: a foreign Origin is
// refused, form and plain-text bodies are refused (no HTML form can reach a resolver), and GET
// needs a non-simple header (yoga's CSRF prevention), so no simple cross-site request gets through.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { isAllowedOrigin, isLoopbackHostHeader } from "../auth/origins.js";

/** The bodies a browser may send cross-site without a preflight; Ordo has no uploads, so none is needed. */
const SIMPLE_BODIES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

/** `loopbackHostsOnly` (ORDO_AUTH=off): a Host header that is not a loopback name is refused. */
export function requestGuards(corsOrigins: readonly string[], loopbackHostsOnly: boolean): Plugin[] {
  const origins: Plugin = {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const forbidden = (message: string) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: "FORBIDDEN" } }] }), {
            status: 403,
            headers: { "content-type": "application/json" },
          }),
        );
      const host = request.headers.get("host") ?? url.host;
      if (loopbackHostsOnly && !isLoopbackHostHeader(host)) return forbidden(hostRefusal(host));
      const origin = request.headers.get("origin");
      if (isAllowedOrigin(origin, host, corsOrigins)) return;
      forbidden(`origin ${origin} is not allowed (ORDO_CORS_ORIGINS)`);
    },
  };
  const bodies: Plugin = {
    onRequestParse({ request }) {
      const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (SIMPLE_BODIES.includes(type)) {
        throw createGraphQLError(`content-type ${type} is not accepted: send application/json`, {
          extensions: { code: "BAD_REQUEST", http: { status: 415 } },
        });
      }
    },
  };
  return [
    origins,
    bodies,
    useCSRFPrevention({ requestHeaders: ["authorization", "x-ordo-csrf", "x-graphql-yoga-csrf"] }),
  ];
}

export function hostRefusal(host: string | null | undefined): string {
  return `host ${host ?? "(none)"} is refused: with ORDO_AUTH=off the server answers only loopback names (localhost, 127.0.0.1, [::1]), so a web page on another name cannot reach it by DNS rebinding; turn auth on to serve other names`;
}
