// Access control on a real server: every scope × a representative operation of each kind over HTTP,
// the same checks over graphql-ws and SSE, revocation (next request refused, open subscriptions
// ended), and the browser-facing protections (foreign Origin, form/plain bodies, CORS, WebSocket Origin).
import http from "node:http";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../harness/eventually.js";
import { graphql } from "../harness/documents.js";
import { applyDeployment } from "../harness/factories.js";
import type { ApiKeyScope, StateType } from "../harness/generated/graphql.js";
import { createTestApp, type GraphQLResponse, type TestApp } from "../harness/test-app.js";

let t: TestApp;
let url: string;
const keys: Record<string, string> = {};
const SCOPES = ["read", "run", "worker", "write", "admin"] as const;

async function createKey(name: string, scopes: ApiKeyScope[]) {
  const r = await t.ok(graphql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key id } }`), {
    input: { name, scopes },
  });
  return r.createApiKey;
}

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  // each scope's name in capitals is its ApiKeyScope value
  for (const s of SCOPES) keys[s] = (await createKey(`key-${s}`, [s.toUpperCase() as ApiKeyScope])).key;
  await applyDeployment(t, { flowName: "acl", name: "d", workPoolName: "acl-pool" });
  await t.ok(
    graphql(`
      mutation { createBlockDocument(input: { blockTypeSlug: "process", name: "acl-secretless", data: {} }) { id } }
    `),
  );
});
afterAll(async () => {
  await t?.close();
});

const as = (key: string | null): Record<string, string> => (key === null ? {} : { authorization: `Bearer ${key}` });

/** One representative operation per kind; `count` tells whether a refused write left rows behind. */
const OPERATIONS: Record<string, { needs: string[]; query: string; variables?: () => Record<string, unknown> }> = {
  "read a list": { needs: ["read", "run", "worker", "write", "admin"], query: `{ workPools { name } }` },
  "create a run": {
    needs: ["run", "write", "admin"],
    query: `mutation { createFlowRun(input: { deploymentSlug: "acl/d" }) { id } }`,
  },
  "worker heartbeat": {
    needs: ["worker", "admin"],
    query: `mutation { workerHeartbeat(workPoolName: "acl-pool", workerName: "w") { name } }`,
  },
  "apply a deployment": {
    needs: ["write", "admin"],
    query: `mutation($n: String!) { applyDeployment(input: { flowName: "acl", name: $n }) { created } }`,
    variables: () => ({ n: `x${Math.random().toString(36).slice(2, 8)}` }),
  },
  "create a block": {
    needs: ["write", "admin"],
    query: `mutation($n: String!) { createBlockDocument(input: { blockTypeSlug: "process", name: $n, data: {} }) { id } }`,
    variables: () => ({ n: `b${Math.random().toString(36).slice(2, 8)}` }),
  },
  "reveal secrets": {
    needs: ["admin"],
    query: `{ blockDocument(slug: "process/acl-secretless", includeSecrets: true) { data } }`,
  },
  "manage keys": { needs: ["admin"], query: `{ apiKeys { name } }` },
};

async function rowCounts() {
  const db = t.app.database.client;
  return [
    await db.deployment.count(),
    await db.flowRun.count(),
    await db.blockDocument.count(),
    await db.worker.count(),
    await db.apiKey.count(),
  ];
}

describe("scopes × operations over HTTP", () => {
  for (const [what, op] of Object.entries(OPERATIONS)) {
    it(`${what}: allowed for ${op.needs.join("/")}, FORBIDDEN naming the scope for the others, UNAUTHENTICATED without a valid key`, async () => {
      for (const scope of SCOPES) {
        const before = await rowCounts();
        const r = await t.gqlWith(as(keys[scope]!), op.query, op.variables?.());
        if (op.needs.includes(scope)) {
          expect(r.errors, `${scope}: ${JSON.stringify(r.errors)}`).toBeUndefined();
        } else {
          expect(r.errors?.[0]?.extensions?.code, `${scope} should be refused`).toBe("FORBIDDEN");
          expect(r.errors?.[0]?.message).toContain(`"${op.needs[0] === "read" ? "read" : op.needs[0]}"`);
          expect(await rowCounts(), `${scope}: a refused operation wrote nothing`).toEqual(before);
        }
      }
      for (const header of [{}, { authorization: "Bearer ordo_not-a-key" }, { authorization: "Basic abc" }] as Array<
        Record<string, string>
      >) {
        const before = await rowCounts();
        const r = await t.gqlWith(header, op.query, op.variables?.());
        expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
        expect(r.data ?? null).toBeNull();
        expect(await rowCounts()).toEqual(before);
      }
    });
  }

  it("a run key may cancel a run but not propose other states; force needs admin", async () => {
    const run = (await t.ok(graphql(`mutation { createFlowRun(input: { deploymentSlug: "acl/d" }) { id } }`)))
      .createFlowRun.id;
    const propose = (key: string, type: StateType, force = false) =>
      t.gqlWith(
        as(key),
        graphql(`
          mutation($id: ID!, $type: StateType!, $force: Boolean) { setFlowRunState(input: { flowRunId: $id, state: { type: $type }, force: $force }) { status } }
        `),
        {
          id: run,
          type,
          force,
        },
      );
    expect((await propose(keys.run!, "PENDING")).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await propose(keys.worker!, "CANCELLING", true)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await propose(keys.run!, "CANCELLING")).errors).toBeUndefined();
  });

  it("viewer tells a caller its key's name and scopes", async () => {
    const r = await t.gqlWith(as(keys.worker!), graphql(`{ viewer { name scopes authEnabled } }`));
    expect(r.data).toEqual({ viewer: { name: "key-worker", scopes: ["WORKER"], authEnabled: true } });
  });

  it("an expired key is refused; bad key inputs are BAD_USER_INPUT naming the field and create nothing", async () => {
    const soon = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const r = await t.ok(
      graphql(`
        mutation($at: DateTime) { createApiKey(input: { name: "expiring", scopes: [READ], expiresAt: $at }) { key } }
      `),
      { at: soon },
    );
    expect((await t.gqlWith(as(r.createApiKey.key), graphql(`{ flows { totalCount } }`))).errors).toBeUndefined();
    t.clock.advance(61);
    expect(
      (await t.gqlWith(as(r.createApiKey.key), graphql(`{ flows { totalCount } }`))).errors?.[0]?.extensions?.code,
    ).toBe("UNAUTHENTICATED");
    const before = await rowCounts();
    const bad = async (input: string, field: string, code = "BAD_USER_INPUT") => {
      const e = (await t.gql(`mutation { createApiKey(input: ${input}) { key } }`)).errors?.[0];
      expect(e?.extensions, input).toMatchObject({ code, field });
    };
    await bad(`{ name: "has space", scopes: [READ] }`, "input.name");
    await bad(`{ name: "none", scopes: [] }`, "input.scopes");
    await bad(`{ name: "past", scopes: [READ], expiresAt: "2000-01-01T00:00:00Z" }`, "input.expiresAt");
    await bad(`{ name: "key-read", scopes: [READ] }`, "input.name", "CONFLICT");
    expect(await rowCounts()).toEqual(before);
  });
});

function wsClient(key: string | null, onClose?: (code: number) => void): Client {
  return createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => onClose?.((e as { code: number }).code) },
  });
}

async function wsOnce(client: Client, query: string): Promise<GraphQLResponse> {
  return new Promise((resolve, reject) => {
    let result: GraphQLResponse = {};
    client.subscribe(
      { query },
      { next: (r) => (result = r as GraphQLResponse), error: reject, complete: () => resolve(result) },
    );
  });
}

describe("graphql-ws and SSE", () => {
  it("graphql-ws: a bad or missing key closes the socket with 4403; scopes apply to each operation", async () => {
    for (const key of [null, "ordo_wrong"]) {
      let closed = 0;
      const c = wsClient(key, (code) => (closed = code));
      await expect(wsOnce(c, `{ workPools { name } }`)).rejects.toBeDefined();
      expect(closed).toBe(4403);
      await c.dispose();
    }
    const reader = wsClient(keys.read!);
    expect((await wsOnce(reader, `{ workPools { name } }`)).data).toEqual({ workPools: [{ name: "acl-pool" }] });
    const refused = await wsOnce(
      reader,
      `mutation { applyDeployment(input: { flowName: "acl", name: "ws" }) { created } }`,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await t.app.database.client.deployment.count({ where: { name: "ws" } })).toBe(0);
    await reader.dispose();
  });

  it("SSE: the Authorization header is required and its scope checked", async () => {
    const sse = (headers: Record<string, string>) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
        body: JSON.stringify({ query: `subscription { flowRunStateChanged { state { type } } }` }),
      });
    const none = await sse({});
    expect(none.status).toBe(401);
    expect(await none.text()).toContain("UNAUTHENTICATED");
  });

  it("revoking a key refuses its next request and ends its open subscriptions (graphql-ws closes 4403, SSE gets UNAUTHENTICATED)", async () => {
    const { key, id } = await createKey("to-revoke", ["READ"]);
    let closed = 0;
    const ws = wsClient(key, (code) => (closed = code));
    ws.subscribe(
      { query: `subscription { flowRunStateChanged { state { type } } }` },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    const controller = new AbortController();
    const sse = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: `subscription { flowRunStateChanged { state { type } } }` }),
      signal: controller.signal,
    });
    expect(sse.status).toBe(200);
    // the SSE stream read in the background, to its end
    const reader = sse.body!.getReader();
    const decoder = new TextDecoder();
    let sseText = "";
    let sseEnded = false;
    void (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        sseText += decoder.decode(chunk.value, { stream: true });
      sseEnded = true;
    })().catch(() => undefined);
    // both subscriptions live: an event reaches them (a run created per try: the subscription may register after the first)
    await eventually(
      async () => {
        await t.ok(graphql(`mutation { createFlowRun(input: { deploymentSlug: "acl/d" }) { id } }`));
        return sseText.includes("SCHEDULED");
      },
      { timeoutMs: 10_000, intervalMs: 300, what: () => `an event on the SSE subscription: ${sseText}` },
    );

    const beforeRevocation = sseText.length;
    await t.ok(graphql(`mutation($id: String!) { revokeApiKey(id: $id) { revoked } }`), { id });
    expect((await t.gqlWith(as(key), graphql(`{ flows { totalCount } }`))).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
    await eventually(() => sseEnded, {
      timeoutMs: 10_000,
      what: () => `the SSE stream to end after revocation: ${sseText.slice(beforeRevocation)}`,
    });
    expect(sseText.slice(beforeRevocation)).toContain("UNAUTHENTICATED");
    await eventually(() => closed !== 0, { timeoutMs: 10_000, what: "the graphql-ws socket to close" });
    expect(closed).toBe(4403);
    await ws.dispose();
    controller.abort();
  });
});

describe("browser-facing protections", () => {
  const MUTATION = `mutation { applyDeployment(input: { flowName: "csrf", name: "evil" }) { created } }`;

  it("form, multipart and text/plain bodies write nothing, from a foreign Origin or none", async () => {
    const form = new URLSearchParams({ query: MUTATION });
    const multipart = new FormData();
    multipart.set("operations", JSON.stringify({ query: MUTATION }));
    const bodies: Array<[string, BodyInit, Record<string, string>]> = [
      ["form", form, {}],
      ["multipart", multipart, {}],
      ["text/plain", JSON.stringify({ query: MUTATION }), { "content-type": "text/plain" }],
    ];
    for (const [what, body, headers] of bodies) {
      for (const origin of [{ origin: "https://evil.example" }, {}] as Array<Record<string, string>>) {
        // even with a valid key: a page cannot have one, but the refusal must not depend on that
        const res = await fetch(url, {
          method: "POST",
          body,
          headers: { ...headers, ...origin, authorization: `Bearer ${t.adminKey}` },
        });
        expect([403, 415], `${what} ${JSON.stringify(origin)}`).toContain(res.status);
      }
    }
    const res = await fetch(`${url}?query=${encodeURIComponent("{ flows { totalCount } }")}`, {
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await t.app.database.client.flow.count({ where: { name: "csrf" } })).toBe(0);
  });

  it("a GET without a non-simple header is refused (CSRF prevention); with the key it is served", async () => {
    const q = `${url}?query=${encodeURIComponent("{ flows { totalCount } }")}`;
    expect((await fetch(q)).status).toBe(403);
    expect((await fetch(q, { headers: { authorization: `Bearer ${t.adminKey}` } })).status).toBe(200);
  });

  it("sends no CORS headers by default, and refuses a cross-origin WebSocket", async () => {
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({ query: "{ flows { totalCount } }" }),
    });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws", { origin: "https://evil.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => (ws.close(), resolve(101)));
      ws.on("error", () => resolve(-1));
    });
    expect(status).toBe(401);
    // the server's own origin (GraphiQL, a UI it serves) is fine
    const own = new URL(url).origin;
    const same = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws", { origin: own });
      ws.on("open", () => (ws.close(), resolve(101)));
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(same).toBe(101);
  });
});

describe("origins listed in ORDO_CORS_ORIGINS", () => {
  it("get exact CORS answers, without credentials; others get none", async () => {
    const cors = await createTestApp({ corsOrigins: ["https://ui.example.com"] });
    try {
      const preflight = (origin: string) =>
        cors.app.yoga.fetch("http://ordo.test/graphql", {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type",
          },
        });
      const ok = await preflight("https://ui.example.com");
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://ui.example.com");
      expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
      expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
      const res = await cors.gqlWith(
        { origin: "https://ui.example.com", authorization: `Bearer ${cors.adminKey}` },
        graphql(`{ flows { totalCount } }`),
      );
      expect(res.errors).toBeUndefined();
    } finally {
      await cors.close();
    }
  });
});

describe("ORDO_AUTH=off", () => {
  it("serves every request as admin without a key on loopback, and refuses to start on another address", async () => {
    const open = await createTestApp({ auth: false });
    try {
      expect(open.adminKey).toBeUndefined();
      const r = await open.gqlWith({}, graphql(`{ viewer { name scopes authEnabled } }`));
      expect(r.data).toEqual({ viewer: { name: "(auth off)", scopes: ["ADMIN"], authEnabled: false } });
      expect(await open.app.database.client.apiKey.count()).toBe(0);

      // DNS rebinding: a page on evil.example (resolved to 127.0.0.1) is same-origin with the
      // server as far as the browser knows; only the Host header gives it away
      const { url } = await open.app.start();
      const port = new URL(url).port;
      const post = (host: string) =>
        rawPost(url, host, { origin: `http://${host}` }, `{"query":"{ viewer { name } }"}`);
      const rebound = await post(`evil.example:${port}`);
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain("ORDO_AUTH=off the server answers only loopback names");
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, "localhost"])
        expect((await post(host)).status, host).toBe(200);
      const socket = (host: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(url.replace("http", "ws"), "graphql-transport-ws", {
            headers: { host, origin: `http://${host}` },
          });
          ws.on("open", () => (ws.close(), resolve(101)));
          ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
          ws.on("error", () => resolve(-1));
        });
      expect(await socket(`evil.example:${port}`)).toBe(401);
      expect(await socket(`localhost:${port}`)).toBe(101);
    } finally {
      await open.close();
    }
    const exposed = await createTestApp({ auth: false, host: "0.0.0.0" });
    try {
      await expect(exposed.app.start()).rejects.toThrow(/ORDO_AUTH=off is refused when the server binds 0\.0\.0\.0/);
    } finally {
      await exposed.close();
    }
  });
});

/** A POST with a Host header of our choosing (fetch does not let a caller set Host). */
function rawPost(
  url: string,
  host: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", headers: { ...headers, host, "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
