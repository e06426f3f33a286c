// A loopback server speaking the subset of GCS's JSON API the storage client uses (bucket get,
// objects list with prefix and pageToken, multipart and media uploads, alt=media downloads,
// delete) plus an OAuth token endpoint verifying service-account JWTs, recording every request so
// tests can assert what went over the wire. Not an emulator of GCS's semantics beyond that; not
// part of the published package.
import { createHash, generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CRC32C } from "@google-cloud/storage";

export interface RecordedRequest {
  method: string;
  /** the path, percent-decoding left as sent */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export interface StoredObject {
  content: Buffer;
  contentType: string;
  generation: number;
}

export interface GcsTestServer {
  /** http://127.0.0.1:<port>, for api_endpoint */
  endpoint: string;
  /** <endpoint>/token */
  tokenUri: string;
  /** a bucket created empty at start */
  bucket: string;
  /** a service account key (fresh RSA pair) whose JWTs the token endpoint accepts, token_uri pointing here */
  serviceAccount: {
    type: "service_account";
    project_id: string;
    private_key_id: string;
    private_key: string;
    client_email: string;
    client_id: string;
    token_uri: string;
  };
  /** a key of the same account signed with another private key: the token endpoint refuses it */
  wrongServiceAccount: GcsTestServer["serviceAccount"];
  requests: RecordedRequest[];
  /** bucket → object name → object */
  objects: Map<string, Map<string, StoredObject>>;
  /** tokens issued by /token; object requests with another bearer token get 401 */
  issuedTokens: Set<string>;
  stop(): Promise<void>;
}

export interface GcsTestServerOptions {
  bucket?: string;
  /** the most items one list page holds, whatever maxResults asks (default 1000) */
  maxPageSize?: number;
  /** refuse object requests without a bearer token /token issued (default false: an emulator accepts anything) */
  requireAuth?: boolean;
}

function pem(key: KeyObject | string): string {
  return typeof key === "string" ? key : (key.export({ type: "pkcs8", format: "pem" }) as string);
}

const crc32c = (data: Buffer) => {
  const sum = new CRC32C();
  sum.update(data);
  return sum.toString();
};
const md5 = (data: Buffer) => createHash("md5").update(data).digest("base64");

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parts of a multipart/related body: headers and raw content. */
function multipartParts(body: Buffer, boundary: string): { headers: Record<string, string>; content: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; content: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const after = start + delimiter.length;
    if (body.subarray(after, after + 2).toString() === "--") break;
    const end = body.indexOf(delimiter, after);
    if (end === -1) break;
    const part = body.subarray(after + 2, end - 2); // skip the CRLF after the delimiter and before the next
    const split = part.indexOf("\r\n\r\n");
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, split).toString().split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, content: part.subarray(split + 4) });
    start = end;
  }
  return parts;
}

export async function startGcsTestServer(options: GcsTestServerOptions = {}): Promise<GcsTestServer> {
  const bucket = options.bucket ?? "ordo-test";
  const maxPageSize = options.maxPageSize ?? 1000;
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Map<string, StoredObject>>([[bucket, new Map()]]);
  const issuedTokens = new Set<string>();
  const accountKeys = new Map<string, KeyObject>();
  let generation = 1;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
    res.end(JSON.stringify(body));
  };
  const apiError = (res: ServerResponse, status: number, reason: string, message: string) =>
    json(res, status, { error: { code: status, message, errors: [{ domain: "global", reason, message }] } });
  const resource = (b: string, name: string, o: StoredObject) => ({
    kind: "storage#object",
    id: `${b}/${name}/${o.generation}`,
    name,
    bucket: b,
    generation: String(o.generation),
    metageneration: "1",
    contentType: o.contentType,
    size: String(o.content.length),
    md5Hash: md5(o.content),
    crc32c: crc32c(o.content),
  });

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams((await readBody(req)).toString());
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return json(res, 400, { error: "unsupported_grant_type" });
    const [h, c, s] = (form.get("assertion") ?? "").split(".");
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(c ?? "", "base64url").toString()) as Record<string, unknown>;
    } catch {
      return json(res, 400, { error: "invalid_grant", error_description: "Invalid JWT." });
    }
    const key = accountKeys.get(String(claims.iss));
    const now = Date.now() / 1000;
    if (!key) return json(res, 400, { error: "invalid_grant", error_description: "Invalid grant: account not found" });
    if (!verify("RSA-SHA256", Buffer.from(`${h}.${c}`), key, Buffer.from(s ?? "", "base64url"))) {
      return json(res, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
    }
    if (
      claims.aud !== tokenUri ||
      typeof claims.exp !== "number" ||
      claims.exp < now ||
      typeof claims.scope !== "string"
    ) {
      return json(res, 400, { error: "invalid_grant", error_description: "Invalid JWT: aud, exp or scope" });
    }
    const accessToken = `ya29.test-${randomBytes(12).toString("hex")}`;
    issuedTokens.add(accessToken);
    json(res, 200, { access_token: accessToken, expires_in: 3599, token_type: "Bearer" });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? "", path: url.pathname, query, authorization: req.headers.authorization });
    if (url.pathname === "/token" && req.method === "POST") return token(req, res);
    // what a stray look-up of the GCE metadata server would ask: recorded, refused
    if (url.pathname.startsWith("/computeMetadata/")) return apiError(res, 404, "notFound", "not a metadata server");
    const auth = req.headers.authorization;
    if (auth !== undefined || options.requireAuth) {
      const bearer = /^Bearer (.+)$/.exec(auth ?? "")?.[1];
      if (!bearer || !issuedTokens.has(bearer)) return apiError(res, 401, "authError", "Invalid Credentials");
    }
    // /storage/v1/b/<bucket>[/o[/<object, "/" sent as %2F>]], uploads under /upload
    const m = /^(?:\/upload)?\/storage\/v1\/b\/([^/]+)(\/o(?:\/(.+))?)?$/.exec(url.pathname);
    if (!m) return apiError(res, 404, "notFound", `no route ${req.method} ${url.pathname}`);
    const b = decodeURIComponent(m[1]!);
    const store = objects.get(b);
    if (!store) return apiError(res, 404, "notFound", "The specified bucket does not exist.");
    const isObjects = m[2] !== undefined;
    const name = m[3] === undefined ? undefined : decodeURIComponent(m[3]);

    if (url.pathname.startsWith("/upload/") && req.method === "POST") {
      const body = await readBody(req);
      let objectName = query.name;
      let content = body;
      let contentType = req.headers["content-type"] ?? "application/octet-stream";
      if (query.uploadType === "multipart") {
        const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
        const [meta, media] = boundary ? multipartParts(body, boundary) : [];
        if (!meta || !media) return apiError(res, 400, "invalid", "bad multipart body");
        const metadata = JSON.parse(meta.content.toString()) as { name?: string; contentType?: string };
        objectName = objectName ?? metadata.name;
        content = media.content;
        contentType = metadata.contentType ?? media.headers["content-type"] ?? "application/octet-stream";
      } else if (query.uploadType !== "media") {
        return apiError(res, 400, "invalid", `uploadType ${query.uploadType} is not served here`);
      }
      if (!objectName) return apiError(res, 400, "required", "Required: name");
      const stored = { content, contentType, generation: generation++ };
      store.set(objectName, stored);
      return json(res, 200, resource(b, objectName, stored));
    }
    if (!isObjects && req.method === "GET")
      return json(res, 200, { kind: "storage#bucket", id: b, name: b, location: "US" });
    if (name === undefined && req.method === "GET") {
      const prefix = query.prefix ?? "";
      const all = [...store.keys()].filter((k) => k.startsWith(prefix)).sort();
      const after = query.pageToken ? Buffer.from(query.pageToken, "base64url").toString() : undefined;
      const from = after === undefined ? all : all.filter((k) => k > after);
      const size = Math.min(maxPageSize, query.maxResults ? Number(query.maxResults) : maxPageSize);
      const page = from.slice(0, size);
      const more = from.length > page.length;
      return json(res, 200, {
        kind: "storage#objects",
        items: page.map((k) => resource(b, k, store.get(k)!)),
        ...(more ? { nextPageToken: Buffer.from(page[page.length - 1]!).toString("base64url") } : {}),
      });
    }
    const object = name === undefined ? undefined : store.get(name);
    if (name !== undefined && req.method === "DELETE") {
      store.delete(name);
      res.writeHead(204).end();
      return;
    }
    if (!object || name === undefined) return apiError(res, 404, "notFound", `No such object: ${b}/${name}`);
    if (req.method === "GET" && query.alt === "media") {
      res.writeHead(200, {
        "content-type": object.contentType,
        "content-length": object.content.length,
        "x-goog-hash": `crc32c=${crc32c(object.content)},md5=${md5(object.content)}`,
        "x-goog-generation": String(object.generation),
      });
      res.end(object.content);
      return;
    }
    if (req.method === "GET") return json(res, 200, resource(b, name, object));
    return apiError(res, 405, "invalid", `${req.method} is not served here`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) apiError(res, 500, "backendError", (e as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokenUri = `${endpoint}/token`;

  const account = (email: string, privateKey: string) => ({
    type: "service_account" as const,
    project_id: "ordo-test-project",
    private_key_id: randomBytes(8).toString("hex"),
    private_key: privateKey,
    client_email: email,
    client_id: "1234567890",
    token_uri: tokenUri,
  });
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const email = "ordo-test@ordo-test-project.iam.gserviceaccount.com";
  accountKeys.set(email, pair.publicKey);

  let stopped = false;
  return {
    endpoint,
    tokenUri,
    bucket,
    serviceAccount: account(email, pem(pair.privateKey)),
    wrongServiceAccount: account(email, pem(other.privateKey)),
    requests,
    objects,
    issuedTokens,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
