// OrdoClient's own retries (the CLI's): SERVICE_UNAVAILABLE waited out with backoff, for a bounded
// time; a broken connection retried for queries only (a mutation may have been applied); a server
// that is not there at all reported at once; a proxy's 503 page read as SERVICE_UNAVAILABLE.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { OrdoApiError, OrdoClient } from "./ordo-client.js";
import { backoffWithJitterMs } from "./retry.js";

const QUERY = parse("query Q { flows { totalCount } }") as TypedDocumentNode<
  { flows: { totalCount: number } },
  Record<string, never>
>;
const MUTATION = parse('mutation M { deleteFlow(id: "x") }') as TypedDocumentNode<
  { deleteFlow: boolean },
  Record<string, never>
>;
const UNAVAILABLE = JSON.stringify({
  errors: [
    { message: "The Ordo server cannot reach its database right now", extensions: { code: "SERVICE_UNAVAILABLE" } },
  ],
});

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = null;
});

/** A server whose n-th answer (from 1) is `answer(n)`: [status, body], or "reset" to drop the connection. */
async function serve(answer: (n: number) => [number, string] | "reset"): Promise<{ url: string; count: () => number }> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const a = answer(++n);
      if (a === "reset") return req.socket.destroy();
      res.writeHead(a[0], { "content-type": "application/json" }).end(a[1]);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, count: () => n };
}

const data = JSON.stringify({ data: { flows: { totalCount: 7 } } });

describe("OrdoClient retries", () => {
  it("waits out SERVICE_UNAVAILABLE and returns the answer that follows", async () => {
    const s = await serve((n) => (n <= 2 ? [503, UNAVAILABLE] : [200, data]));
    const client = new OrdoClient(s.url, { apiKey: null, retryForMs: 10_000 });
    expect(await client.request(QUERY, {})).toEqual({ flows: { totalCount: 7 } });
    expect(s.count()).toBe(3);
  });

  it("without retryForMs (worker, executor: loops of their own) throws the first SERVICE_UNAVAILABLE", async () => {
    const s = await serve(() => [503, UNAVAILABLE]);
    const error = await new OrdoClient(s.url, { apiKey: null }).request(QUERY, {}).catch((e) => e);
    expect(error).toBeInstanceOf(OrdoApiError);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(s.count()).toBe(1);
  });

  it("gives up after retryForMs", async () => {
    const s = await serve(() => [503, UNAVAILABLE]);
    const started = Date.now();
    const error = await new OrdoClient(s.url, { apiKey: null, retryForMs: 1500 }).request(QUERY, {}).catch((e) => e);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(s.count()).toBeGreaterThan(1);
  });

  it("a broken connection: a query is retried, a mutation is not (it may have been applied)", async () => {
    const q = await serve((n) => (n === 1 ? "reset" : [200, data]));
    expect(await new OrdoClient(q.url, { apiKey: null, retryForMs: 10_000 }).request(QUERY, {})).toEqual({
      flows: { totalCount: 7 },
    });
    expect(q.count()).toBe(2);
    await new Promise((r) => server!.close(r));
    const m = await serve(() => "reset");
    await expect(new OrdoClient(m.url, { apiKey: null, retryForMs: 10_000 }).request(MUTATION, {})).rejects.toThrow(
      "fetch failed",
    );
    expect(m.count()).toBe(1);
  });

  it("no server at all (connection refused): reported at once, not waited for", async () => {
    const s = await serve(() => [200, data]);
    await new Promise((r) => server!.close(r)); // the port is free again: nothing listens there
    server = null;
    const started = Date.now();
    await expect(new OrdoClient(s.url, { apiKey: null, retryForMs: 10_000 }).request(QUERY, {})).rejects.toThrow(
      "fetch failed",
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("a proxy's 503 page without a GraphQL body counts as SERVICE_UNAVAILABLE", async () => {
    const s = await serve(() => [503, "<html>Service Unavailable</html>"]);
    const error = await new OrdoClient(s.url, { apiKey: null }).request(QUERY, {}).catch((e) => e);
    expect(error).toMatchObject({ name: "OrdoApiError", code: "SERVICE_UNAVAILABLE" });
  });
});

describe("backoffWithJitterMs", () => {
  it("doubles per failure up to the cap, and jitters within 50–100 %", () => {
    expect([1, 2, 3, 4, 5, 6].map((f) => backoffWithJitterMs(f, 500, 8000, () => 1))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffWithJitterMs(3, 500, 8000, () => 0)).toBe(1000);
  });
});
