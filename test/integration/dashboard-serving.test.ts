// The server's side of the dashboard: the built app at / with its security headers, the browser
// router's URLs answered with index.html, nothing outside the build folder, the auth mode written
// into the page, the Host rule of ORDO_AUTH=off, ORDO_DASHBOARD=false, and GraphiQL without a CDN.
import { existsSync, readdirSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const BUILD = path.resolve(import.meta.dirname, "../../dist/ui");

async function started(overrides: Parameters<typeof createTestApp>[0] = {}) {
  const t = await createTestApp(overrides);
  const { port } = await t.app.start();
  return { t, origin: `http://127.0.0.1:${port}` };
}

/** GET with a Host header of our choosing (fetch may not set one) */
function getWithHost(origin: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/`, { headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the dashboard served at /", () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    if (!existsSync(path.join(BUILD, "index.html"))) throw new Error("dist/ui is missing: run npm run build first");
    ({ t, origin } = await started({ graphiql: true }));
  });
  afterAll(() => t?.close());

  it("answers / and the app's own URLs with index.html, locked to its own origin", async () => {
    for (const url of ["/", "/runs/0a1b", "/deployments?flow=x", "/work-pools/a%20b"]) {
      const res = await fetch(origin + url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const html = await res.text();
      expect(html).toContain('<div id="root">');
      // auth is on: the page asks for a key before any request
      expect(html).toContain('<meta name="ordo-auth" content="on" />');
      // every script and stylesheet is the server's own
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it("serves the hashed assets for good and refuses missing files and paths out of the build", async () => {
    const asset = readdirSync(path.join(BUILD, "assets")).find((f) => f.endsWith(".js"))!;
    const res = await fetch(`${origin}/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${origin}/assets/missing-0000.js`)).status).toBe(404);
    // encoded and raw "..": never a file outside dist/ui (the repo's package.json is two levels up)
    for (const probe of [
      "/assets/..%2f..%2f..%2fpackage.json",
      "/%2e%2e/%2e%2e/package.json",
      "/..%5c..%5cpackage.json",
    ]) {
      const r = await fetch(origin + probe);
      expect([400, 404], probe).toContain(r.status);
      expect(await r.text(), probe).not.toContain('"name": "ordo"');
    }
    expect((await fetch(`${origin}/%E0%A4%A`)).status).toBe(400);
  });

  it("leaves /graphql to GraphQL, and GraphiQL loads nothing from another origin", async () => {
    const api = await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({ query: "{ viewer { name } }" }),
    });
    expect(await api.json()).toEqual({ data: { viewer: { name: "local-admin" } } });
    const graphiql = await fetch(`${origin}/graphql`, { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    const html = await graphiql.text();
    expect(html).toContain("renderYogaGraphiQL");
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|(<script|<link)[^>]+(src|href)="https?:/);
  });
});

describe("with ORDO_AUTH=off and with ORDO_DASHBOARD=false", () => {
  it("tells the page no key is needed, and answers loopback names only", async () => {
    const { t, origin } = await started({ auth: false });
    try {
      expect(await (await fetch(`${origin}/`)).text()).toContain('<meta name="ordo-auth" content="off" />');
      const rebound = await getWithHost(origin, "attacker.example");
      expect(rebound.status).toBe(403);
      expect(rebound.body).not.toContain('id="root"');
      expect((await getWithHost(origin, "localhost")).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("serves no page when the dashboard is turned off", async () => {
    const { t, origin } = await started({ dashboard: false });
    try {
      const res = await fetch(`${origin}/`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('id="root"');
    } finally {
      await t.close();
    }
  });
});
