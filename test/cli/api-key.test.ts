// `ordo api-key create / ls / revoke / whoami` against a real server: the local admin key found
// through ORDO_HOME, a new key printed once and usable through ORDO_API_KEY, revocation at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo, ordoJson } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { expectFailure, expectOk } from "./expect-cli.js";
import { parseExpiry } from "../../src/cli/api-key.js";

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ url } = await t.app.start());
});
afterAll(async () => {
  await t?.close();
});

describe("ordo api-key", () => {
  it("creates a worker key shown once, lists it without the key, and revokes it for the next command", async () => {
    const created = await ordoJson<{ name: string; key: string }>(url, [
      "api-key",
      "create",
      "ci-worker",
      "--scope",
      "worker",
      "--expires",
      "30d",
    ]);
    expect(created.key).toMatch(/^ordo_/);
    const asWorker = { ORDO_API_KEY: created.key };
    const [whoami, list, refused] = await Promise.all([
      ordo(url, ["api-key", "whoami"], { env: asWorker }),
      ordoJson<Array<{ name: string; scopes: string[]; expires: string | null; prefix: string }>>(url, [
        "api-key",
        "ls",
      ]),
      ordo(url, ["api-key", "ls"], { env: asWorker }),
    ]);
    expect(expectOk(whoami)).toMatch(/key\s+ci-worker\nscopes\s+worker/);
    const row = list.find((k) => k.name === "ci-worker")!;
    expect(row).toMatchObject({ scopes: ["WORKER"], prefix: created.key.slice(0, 11) });
    expect(new Date(row.expires!).getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);
    expect(JSON.stringify(list)).not.toContain(created.key);
    expectFailure(refused, /needs the "admin" scope; the API key "ci-worker" has: worker/);

    expect(expectOk(await ordo(url, ["api-key", "revoke", "ci-worker"]))).toContain('Revoked API key "ci-worker"');
    expectFailure(await ordo(url, ["api-key", "whoami"], { env: asWorker }), /unknown, revoked or expired/);
  });

  it("refuses a bad scope or expiry before asking the server", async () => {
    expectFailure(
      await ordo(url, ["api-key", "create", "x", "--scope", "root"]),
      /--scope must be one of read, run, worker, write, admin/,
    );
    expect(() => parseExpiry("soon")).toThrow(/--expires takes a duration/);
    expect(parseExpiry("12h", new Date("2026-01-01T00:00:00Z")).toISOString()).toBe("2026-01-01T12:00:00.000Z");
  });
});
