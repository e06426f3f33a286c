// The dashboard's built files (dist/ui, from src/ui by `npm run build`) over HTTP: hashed assets
// cached for good, any other GET path answered with index.html so the browser's router owns it.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/**
 * The page talks only to its own origin: scripts and styles from the server, GraphQL over HTTP and
 * WebSocket to it; nothing may frame it (clickjacking on Run / Cancel buttons).
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** Where the build is: dist/ui beside the compiled server, or the repo's dist/ui when run from src/. */
export function dashboardDirectory(): string | null {
  const here = import.meta.dirname;
  for (const candidate of [path.resolve(here, "../../ui"), path.resolve(here, "../../dist/ui")]) {
    if (existsSync(path.join(candidate, "index.html"))) return candidate;
  }
  return null;
}

export interface Dashboard {
  /** GET/HEAD of any path outside /graphql */
  handles(request: IncomingMessage): boolean;
  serve(request: IncomingMessage, response: ServerResponse): void;
}

/** `auth`: whether the page must ask for an API key (written into index.html's ordo-auth meta tag) */
export function createDashboard(dir: string | null, graphqlEndpoint: string, auth: boolean): Dashboard {
  const root = dir ? path.resolve(dir) : null;
  let index: Buffer | null = null;
  return {
    handles(request) {
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      const pathname = (request.url ?? "/").split("?")[0]!;
      return pathname !== graphqlEndpoint && !pathname.startsWith(`${graphqlEndpoint}/`);
    },
    serve(request, response) {
      const send = (status: number, type: string, body: Buffer | string, cache: string) => {
        response.writeHead(status, { "content-type": type, "cache-control": cache, ...SECURITY_HEADERS });
        response.end(request.method === "HEAD" ? undefined : body);
      };
      if (!root) {
        return send(
          404,
          "text/plain; charset=utf-8",
          "The dashboard is not built: run `npm run build` in the Ordo checkout. GraphQL is at /graphql.\n",
          "no-store",
        );
      }
      let pathname: string;
      try {
        pathname = decodeURIComponent((request.url ?? "/").split("?")[0]!);
      } catch {
        return send(400, "text/plain; charset=utf-8", "bad path\n", "no-store");
      }
      // only files inside the build folder; "..", NUL bytes and dot-files never resolve to a file
      const file = path.resolve(root, `.${path.posix.normalize(`/${pathname}`)}`);
      const inside = file.startsWith(`${root}${path.sep}`) && !pathname.includes("\0") && !/\/\./.test(pathname);
      if (inside && path.extname(file) && isFile(file)) {
        const hashed = pathname.startsWith("/assets/");
        return send(
          200,
          TYPES[path.extname(file)] ?? "application/octet-stream",
          readFileSync(file),
          hashed ? "public, max-age=31536000, immutable" : "no-cache",
        );
      }
      // a missing asset is a 404, not the app (a stale tab asking for an old hashed bundle)
      if (path.extname(pathname) && pathname !== "/index.html") {
        return send(404, "text/plain; charset=utf-8", "not found\n", "no-store");
      }
      index ??= Buffer.from(
        readFileSync(path.join(root, "index.html"), "utf8").replace(
          '<meta name="ordo-auth" content="on" />',
          `<meta name="ordo-auth" content="${auth ? "on" : "off"}" />`,
        ),
      );
      send(200, TYPES[".html"]!, index, "no-cache");
    },
  };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
