// ApiKeyService.authenticate remembers a key that authenticated for a moment (one query fewer per
// request) without weakening revocation or expiry: revoking here or on another replica (the bus
// event) refuses the next request, expiry is checked on every request, unknown keys are never kept.
import { createPubSub } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/prisma-client.js";
import type { EventBus } from "../events/event-bus.js";
import type { Topics } from "../events/topics.js";
import { ApiKeyService } from "./api-key.service.js";

interface Row {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: unknown;
  created: Date;
  lastUsed: Date | null;
  expires: Date | null;
  revoked: Date | null;
}

/** An in-memory ApiKey table with the calls the service makes, counting the look-ups by hash. */
function fakeDatabase() {
  const rows: Row[] = [];
  let reads = 0;
  let gate: Promise<void> | null = null;
  const apiKey = {
    findUnique: async ({ where }: { where: { hash?: string; name?: string } }) => {
      if (where.hash !== undefined) {
        reads++;
        const found = rows.find((r) => r.hash === where.hash);
        const copy = found ? { ...found } : null;
        if (gate) await gate;
        return copy;
      }
      return rows.find((r) => r.name === where.name) ?? null;
    },
    findFirst: async ({ where }: { where: { OR: Array<{ id?: string; name?: string }> } }) =>
      rows.find((r) => where.OR.some((c) => r.id === c.id || r.name === c.name)) ?? null,
    create: async ({ data }: { data: Omit<Row, "id" | "lastUsed" | "revoked"> }) => {
      const row = { id: `k${rows.length + 1}`, lastUsed: null, revoked: null, ...data, expires: data.expires ?? null };
      rows.push(row);
      return { ...row };
    },
    update: async ({ where, data }: { where: { id: string }; data: Partial<Row> }) => {
      const row = rows.find((r) => r.id === where.id)!;
      Object.assign(row, data);
      return { ...row };
    },
  };
  return {
    database: { client: { apiKey }, provider: "sqlite" } as unknown as Database,
    reads: () => reads,
    /** holds the next look-ups by hash until the returned function is called */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

function setup() {
  const db = fakeDatabase();
  let now = new Date("2026-01-01T00:00:00Z");
  const clock = { now: () => now };
  const events = Object.assign(createPubSub<Topics>(), { close: async () => {} }) as EventBus;
  const service = new ApiKeyService(db.database, clock, events);
  return { db, service, events, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe("ApiKeyService.authenticate", () => {
  it("reads a key once for requests close together", async () => {
    const { db, service } = setup();
    const { key } = await service.create({ name: "w", scopes: ["read"] });
    expect(await service.authenticate(key)).toMatchObject({ name: "w", scopes: ["read"] });
    expect(await service.authenticate(key)).toMatchObject({ name: "w" });
    expect(await service.authenticate(key)).toMatchObject({ name: "w" });
    expect(db.reads()).toBe(1);
  });

  it("refuses a remembered key as soon as it is revoked here", async () => {
    const { service } = setup();
    const { key, record } = await service.create({ name: "w", scopes: ["read"] });
    expect(await service.authenticate(key)).not.toBeNull();
    await service.revoke(record.id);
    expect(await service.authenticate(key)).toBeNull();
  });

  it("forgets a key revoked on another replica (the bus event)", async () => {
    const { db, service, events } = setup();
    const { key, record } = await service.create({ name: "w", scopes: ["read"] });
    expect(await service.authenticate(key)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 0)); // the listener subscribes
    events.publish("api-key.revoked", { keyId: record.id });
    await new Promise((r) => setTimeout(r, 0));
    await service.authenticate(key);
    expect(db.reads()).toBe(2);
  });

  it("checks expiry on every request, remembered or not", async () => {
    const { service, advance } = setup();
    const { key } = await service.create({
      name: "w",
      scopes: ["read"],
      expiresAt: new Date("2026-01-01T00:00:00.500Z"),
    });
    expect(await service.authenticate(key)).not.toBeNull();
    advance(500);
    expect(await service.authenticate(key)).toBeNull();
  });

  it("does not remember a row read while a revocation happened", async () => {
    const { db, service } = setup();
    const { key, record } = await service.create({ name: "w", scopes: ["read"] });
    const release = db.hold();
    const inFlight = service.authenticate(key); // reads the row before it is revoked
    await new Promise((r) => setTimeout(r, 0));
    await service.revoke(record.id);
    release();
    await inFlight;
    expect(await service.authenticate(key)).toBeNull();
  });

  it("never remembers an unknown key", async () => {
    const { db, service } = setup();
    expect(await service.authenticate("ordo_unknown")).toBeNull();
    expect(await service.authenticate("ordo_unknown")).toBeNull();
    expect(db.reads()).toBe(2);
  });
});
